"""The texts of notices (HTML, in the reader's language) with their buttons to the details.

Each function renders one notice for one language; `for_group` renders the version for the
connected group: public agenda items only and no buttons (a button pressed in the group
would answer in the group, and the meeting view lists non-public items too).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.i18n import Html, format_day, format_short, format_when, t
from bot.services.delivery.text import MAX_CALLBACK_DATA
from bot.services.importer import AgendaChange, AgendaItemInfo, EntityChange, FieldChange
from bot.views.council import consultation_line, meeting_heading, meeting_title
from storage.models import AgendaItem, File, Meeting, MeetingKind, Paper
from storage.queries.council import PaperDetails

Button = tuple[str, str]
Rendered = tuple[str, list[list[Button]]]

MAX_NAME = 300  # characters of a title shown in a notice
MAX_LINES = 15  # agenda lines listed before "… and N more"
MAX_FILE_BUTTONS = 3
PAPER_FIELDS = ("name", "paper_type", "date", "originator", "proposal", "summary", "consultations")


def short(text: str, limit: int = MAX_NAME) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fits(data: str) -> bool:
    return len(data.encode("utf-8")) <= MAX_CALLBACK_DATA


def paper_button(paper: Paper, language: str) -> list[Button]:
    data = f"pap:id:{paper.id}"
    label = t(language, "notices.button_paper", reference=paper.reference)
    return [(label, data)] if _fits(data) else []


def file_button(file: File, language: str) -> Button:
    return (
        t(language, "notices.button_file", name=short(file.file_name, 60)),
        f"pap:file:{file.id}",
    )


def meeting_button(meeting: Meeting, language: str, tz: tzinfo) -> Button:
    label = t(language, "notices.button_meeting", when=format_short(meeting.start, language, tz))
    return (label, f"mtg:show:{meeting.id}")


def _buttons(rows: list[list[Button]], for_group: bool) -> list[list[Button]]:
    return [] if for_group else [row for row in rows if row]


# --- papers ---------------------------------------------------------------------------------


def paper_new(details: PaperDetails, language: str, tz: tzinfo, *, for_group: bool) -> Rendered:
    paper = details.paper
    key = "notices.paper_new" if paper.date else "notices.paper_new_undated"
    lines: list[str] = [
        t(
            language,
            key,
            reference=paper.reference,
            name=short(paper.name),
            paper_type=paper.paper_type,
            date=format_day(paper.date, language) if paper.date else "",
        )
    ]
    if paper.consultations:
        lines.append(t(language, "papers.consultations_header"))
        lines += [consultation_line(details, c, language, tz) for c in paper.consultations]
    rows = [paper_button(paper, language)]
    rows += [[file_button(file, language)] for file in paper.files[:MAX_FILE_BUTTONS]]
    return "\n".join(lines), _buttons(rows, for_group)


def paper_changed(
    paper: Paper, fields: Sequence[str], language: str, *, for_group: bool
) -> Rendered:
    names = ", ".join(t(language, f"notices.field.{name}") for name in fields)
    text = t(
        language,
        "notices.paper_changed",
        reference=paper.reference,
        name=short(paper.name),
        fields=names,
    )
    return text, _buttons([paper_button(paper, language)], for_group)


def paper_file(paper: Paper, file: File, language: str, *, for_group: bool) -> Rendered:
    text = t(
        language,
        "notices.paper_file",
        reference=paper.reference,
        name=short(paper.name),
        file=file.file_name,
    )
    rows = [[file_button(file, language)], paper_button(paper, language)]
    return text, _buttons(rows, for_group)


def paper_decision(paper: Paper, decision: str, language: str, *, for_group: bool) -> Rendered:
    """A committee decided on the Vorlage: "Committee: result" (synced from the RIS)."""
    text = t(
        language,
        "notices.paper_decision",
        reference=paper.reference,
        name=short(paper.name),
        decision=decision,
    )
    return text, _buttons([paper_button(paper, language)], for_group)


# --- meetings -------------------------------------------------------------------------------


def _kind(meeting: Meeting, language: str) -> str:
    return t(language, f"meetings.kind.{meeting.kind.value}")


def _location(value: object, language: str) -> str:
    return str(value) if value else t(language, "meetings.no_location")


def _visible_items(meeting: Meeting, for_group: bool) -> list[AgendaItem]:
    return [item for item in meeting.agenda_items if item.public or not for_group]


def meeting_new(meeting: Meeting, language: str, tz: tzinfo, *, for_group: bool) -> Rendered:
    visibility = "meetings.public" if meeting.public else "meetings.non_public"
    lines = [
        t(
            language,
            "notices.meeting_new",
            title=short(meeting_heading(meeting, language)),
            when=format_when(meeting.start, language, tz),
            location=_location(meeting.location, language),
            visibility=t(language, visibility),
        )
    ]
    items = _visible_items(meeting, for_group)
    if items:
        lines.append(t(language, "notices.agenda_count", count=len(items)))
    return "\n".join(lines), _buttons([[meeting_button(meeting, language, tz)]], for_group)


def _show(change: FieldChange, language: str, tz: tzinfo, value: object) -> str:
    if change.field in ("start", "end"):
        return format_when(value, language, tz) if isinstance(value, datetime) else "–"
    if change.field == "location":
        return _location(value, language)
    if change.field == "kind" and value:
        return t(language, f"meetings.kind.{MeetingKind(str(value)).value}")
    return short(str(value)) if value is not None else "–"


# Shown old → new in a change notice; any other changed field is named only.
SHOWN_OLD_NEW = ("start", "end", "location", "name", "kind")
NAMED_FIELDS = ("organization", "public", "rsvp")


def meeting_changed(
    meeting: Meeting, change: EntityChange, language: str, tz: tzinfo, *, for_group: bool
) -> Rendered:
    """One format for every change (import, chat, later sources): old → new for time, place,
    title and kind, the names of other changed fields."""
    fields = set(change.fields)
    reinstated = "cancelled" in fields
    key = "notices.meeting_reinstated" if reinstated else "notices.meeting_changed"
    lines = [
        t(
            language,
            key,
            title=short(meeting_heading(meeting, language)),
            when=format_when(meeting.start, language, tz),
        )
    ]
    if not reinstated and "start" not in fields:
        lines.append(
            t(language, "notices.when_line", when=format_when(meeting.start, language, tz))
        )
    for item in change.changes:
        if item.field not in SHOWN_OLD_NEW:
            continue
        lines.append(
            t(
                language,
                "notices.was_now",
                label=t(language, f"notices.label.{item.field}"),
                old=_show(item, language, tz, item.old),
                new=_show(item, language, tz, item.new),
            )
        )
    named = [t(language, f"notices.label.{name}") for name in NAMED_FIELDS if name in fields]
    if named and not for_group:
        lines.append(t(language, "notices.also_changed", fields=", ".join(named)))
    if "start" in fields and meeting.change_reason:  # the reason given for this move
        lines.append(t(language, "notices.reason_line", reason=meeting.change_reason))
    return "\n".join(lines), _buttons([[meeting_button(meeting, language, tz)]], for_group)


def meeting_file(
    meeting: Meeting, file: File, protocol: bool, language: str, tz: tzinfo, *, for_group: bool
) -> Rendered:
    """A meeting's new document: its protocol, or one added before it (Nachtrag)."""
    text = t(
        language,
        "notices.meeting_protocol" if protocol else "notices.meeting_document",
        title=short(meeting_heading(meeting, language)),
        when=format_when(meeting.start, language, tz),
        file=file.file_name,
    )
    rows = [[file_button(file, language)], [meeting_button(meeting, language, tz)]]
    return text, _buttons(rows, for_group)


def meeting_cancelled(meeting: Meeting, language: str, tz: tzinfo, *, for_group: bool) -> Rendered:
    text = t(
        language,
        "notices.meeting_cancelled",
        title=short(meeting_heading(meeting, language)),
        when=format_when(meeting.start, language, tz),
    )
    if meeting.change_reason:
        text = Html(text + "\n" + t(language, "notices.reason_line", reason=meeting.change_reason))
    return text, _buttons([[meeting_button(meeting, language, tz)]], for_group)


def _item_line(key: str, info: AgendaItemInfo, language: str) -> Html:
    return t(
        language,
        key,
        number=info.number,
        name=short(info.name, 200),
        non_public="" if info.public else t(language, "meetings.item_non_public"),
        paper=f" · 📄 {info.paper}" if info.paper else "",
    )


def agenda_changed(
    meeting: Meeting, change: AgendaChange, language: str, tz: tzinfo, *, for_group: bool
) -> Rendered | None:
    """What changed on the agenda (or, if it was empty before, the agenda itself); None when
    the group would learn nothing public."""
    public_now = {item.number: item.public for item in meeting.agenda_items}

    def shown(info: AgendaItemInfo) -> bool:
        return info.public or not for_group

    published = not change.removed and len(change.added) == len(meeting.agenda_items)
    lines: list[str] = []
    lines += [_item_line("notices.agenda_added", i, language) for i in change.added if shown(i)]
    lines += [_item_line("notices.agenda_removed", i, language) for i in change.removed if shown(i)]
    for rename in change.renamed:
        if public_now.get(rename.number, False) or not for_group:
            lines.append(
                t(
                    language,
                    "notices.agenda_renamed",
                    number=rename.number,
                    name=short(rename.new_name, 200),
                    old=short(rename.old_name, 200),
                )
            )
    lines += [
        _item_line("notices.agenda_item_changed", i, language) for i in change.changed if shown(i)
    ]
    if change.reordered and (lines or not for_group):
        lines.append(t(language, "notices.agenda_reordered"))
    if not lines:
        return None
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], t(language, "notices.more", count=len(lines) - MAX_LINES)]
    header = t(
        language,
        "notices.agenda_published" if published else "notices.agenda_changed",
        title=short(meeting_title(meeting)),
        when=format_when(meeting.start, language, tz),
    )
    text = "\n".join([header, *lines])
    return text, _buttons([[meeting_button(meeting, language, tz)]], for_group)
