"""Meetings, agendas and papers as bot messages (HTML, in the member's language)."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Any

from bot.i18n import format_clock, format_date, format_day, format_when, t
from storage.models import AgendaItem, Consultation, Meeting, Paper
from storage.queries.council import PaperDetails


def meeting_title(meeting: Meeting) -> str:
    """Committee and title, the committee once: "Lenkungsgruppe Sozialstrategie: Sitzung der
    Lenkungsgruppe Sozialstrategie" would name it twice, so a title that names its committee
    stands alone."""
    committee, name = meeting.organization.name, meeting.name
    if _folded(committee) in _folded(name):
        return name
    return f"{committee}: {name}"


def meeting_heading(meeting: Meeting, language: str) -> str:
    """The title with the kind of meeting in brackets, unless the title already says it
    ("Präsentation: Sozialplanung Nord", "Sitzung des Sozialausschusses")."""
    title = meeting_title(meeting)
    kind = t(language, f"meetings.kind.{meeting.kind.value}")
    if _folded(kind) in _folded(title):
        return title
    return f"{title} ({kind})"


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def meeting_line(meeting: Meeting, language: str, tz: tzinfo, *, answer: str = "") -> str:
    """One meeting in a list: date and time, place, committee, public or not."""
    return t(
        language,
        "meetings.line",
        cancelled=t(language, "meetings.cancelled_prefix") if meeting.cancelled else "",
        when=format_when(meeting.start, language, tz),
        title=meeting_heading(meeting, language),
        location=meeting.location or t(language, "meetings.no_location"),
        visibility=t(language, "meetings.public" if meeting.public else "meetings.non_public"),
        answer=answer,
    )


def agenda_item_line(item: AgendaItem, language: str) -> str:
    return t(
        language,
        "meetings.agenda_item",
        number=item.number,
        name=item.name,
        non_public="" if item.public else t(language, "meetings.item_non_public"),
        paper=f" · 📄 {item.paper.reference}" if item.paper else "",
    )


def meeting_blocks(
    meeting: Meeting, language: str, tz: tzinfo, *, public_only: bool = False
) -> list[str]:
    """The meeting header, then one block per agenda item (so splitting keeps items whole);
    `public_only` for someone who is not a member: the public items only."""
    end = ""
    if meeting.end is not None:
        same_day = meeting.end.astimezone(tz).date() == meeting.start.astimezone(tz).date()
        until = (format_clock if same_day else format_when)(meeting.end, language, tz)
        end = t(language, "meetings.until", time=until)
    header = t(
        language,
        "meetings.detail",
        cancelled=t(language, "meetings.cancelled_prefix") if meeting.cancelled else "",
        title=meeting_title(meeting),
        kind=t(language, f"meetings.kind.{meeting.kind.value}"),
        when=format_when(meeting.start, language, tz),
        end=end,
        location=meeting.location or t(language, "meetings.no_location"),
        visibility=t(language, "meetings.public" if meeting.public else "meetings.non_public"),
    )
    items = [item for item in meeting.agenda_items if item.public or not public_only]
    if not items:
        return [header, t(language, "meetings.no_agenda")]
    blocks = [
        header,
        t(language, "meetings.agenda_header"),
        *(agenda_item_line(item, language) for item in items),
    ]
    if not all(item.public for item in items):
        blocks.append(t(language, "meetings.non_public_legend"))
    return blocks


def consultation_line(
    details: PaperDetails, consultation: Consultation, language: str, tz: tzinfo
) -> str:
    """One step of the Beratungsfolge: committee, date (the meeting's time if known), public
    or not, role, deciding."""
    meeting = details.meeting_of(consultation)
    if meeting is not None:
        when = format_when(meeting.start, language, tz)
    elif consultation.date is not None:
        when = format_day(consultation.date, language)
    else:
        when = "–"
    visibility = "meetings.public" if consultation.public else "meetings.non_public"
    role = consultation.role or ""
    # "Entscheidung, beschließend" would say it twice: the deciding step is named once.
    deciding = consultation.authoritative and _folded(role) not in DECIDING_ROLES
    return t(
        language,
        "papers.consultation",
        organization=consultation.organization.name,
        when=when,
        visibility=t(language, visibility),
        role=role_name(role, language) or "–",
        authoritative=t(language, "papers.authoritative") if deciding else "",
    )


# The usual roles in a Beratungsfolge, by their German name (as imported), translated.
ROLES = {"vorberatung": "prior", "entscheidung": "decision", "kenntnisnahme": "information"}
DECIDING_ROLES = ("entscheidung", "beschluss", "beschlussfassung")


def role_name(role: str, language: str) -> str:
    """A consultation's role in the reader's language: the known German roles are
    translated ("Entscheidung" → "decision"), anything else is shown as imported."""
    known = ROLES.get(_folded(role))
    return t(language, f"papers.role.{known}") if known else role


def paper_blocks(details: PaperDetails, language: str, tz: tzinfo) -> list[str]:
    paper = details.paper
    blocks: list[str] = [
        t(
            language,
            "papers.header",
            reference=paper.reference,
            name=paper.name,
            paper_type=paper.paper_type,
            date=format_date(paper.date, language) if paper.date else "–",
            originator=paper.originator.name if paper.originator else "–",
        )
    ]
    if paper.agenda_item:
        blocks.append(t(language, "paper_details.agenda_item", number=paper.agenda_item))
    if paper.consultations:
        blocks.append(t(language, "papers.consultations_header"))
        blocks += [consultation_line(details, c, language, tz) for c in paper.consultations]
    if paper.proposal:
        blocks.append(t(language, "papers.proposal", text=paper.proposal))
    if paper.summary:
        blocks.append(t(language, "papers.summary", text=paper.summary))
    if paper.history:
        blocks.append(history_block(paper.history, language))
    if paper.attachments is not None:
        blocks.append(
            t(language, "paper_details.attachments", names="; ".join(paper.attachments))
            if paper.attachments
            else t(language, "paper_details.no_attachments")
        )
    if paper.files:
        blocks.append(t(language, "papers.files", count=len(paper.files)))
    return blocks


def history_block(history: list[dict[str, Any]], language: str) -> str:
    """The earlier consultations the Vorlage names, as imported (plain JSON values)."""
    lines = [t(language, "paper_details.history_header")]
    for entry in history:
        day = date.fromisoformat(entry["date"])
        reference = entry.get("reference")
        lines.append(
            t(
                language,
                "paper_details.history_line",
                date=format_date(day, language),
                organization=entry.get("name") or entry.get("organization") or "",
                reference=f" ({reference})" if reference else "",
            )
        )
    return "\n".join(lines)


def search_hit(hit: Paper | Meeting | AgendaItem, language: str, tz: tzinfo) -> str:
    if isinstance(hit, Meeting):
        return t(
            language,
            "search.meeting",
            cancelled=t(language, "meetings.cancelled_prefix") if hit.cancelled else "",
            title=meeting_title(hit),
            when=format_when(hit.start, language, tz),
            location=hit.location or t(language, "meetings.no_location"),
        )
    if isinstance(hit, Paper):
        return t(
            language,
            "search.paper",
            reference=hit.reference,
            name=hit.name,
            paper_type=hit.paper_type,
        )
    return t(
        language,
        "search.item",
        number=hit.number,
        name=hit.name,
        meeting=meeting_title(hit.meeting),
        when=format_when(hit.meeting.start, language, tz),
    )
