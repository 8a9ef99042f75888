"""The chat flow around a Vorlage document an administrator sends: the draft of what was read
(one per chat, a database row of plain values), typed corrections of single fields, and
publishing it through the council administration (bot/services/council_admin/read_papers.py).

Nothing is kept in memory between updates: the draft row holds the read fields as JSON, the
Telegram file_id (the bytes stay at Telegram until publishing) and the field awaiting a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.parsing import local_datetime, parse_date, parse_time
from bot.services.council_admin.meetings import create_meeting
from bot.services.council_admin.papers import clean_reference
from bot.services.importer import Notifier
from bot.services.members import require_admin
from bot.services.organization_names import match_organization
from bot.services.reader import Vorlage
from bot.services.reader.fields import read_history
from bot.services.reader.import_document import meeting_on
from bot.services.reader.lines import Line, normalize
from bot.services.reader.model import ROLES
from bot.services.reader.sections import split_sections
from storage.models import (
    DocumentDraft,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
    Person,
)
from storage.queries.council import paper_by_reference
from storage.queries.drafts import delete_draft, draft_of_chat
from storage.queries.organizations import all_organizations

DRAFT_LIFETIME = timedelta(hours=24)
# Fields a tap can correct, in preview order; the short codes go into callback data.
CORRECTABLE = {
    "ref": "reference",
    "date": "date",
    "type": "paper_type",
    "orig": "originator",
    "title": "title",
    "top": "agenda_item",
    "prop": "proposal_points",
    "sum": "summary",
    "att": "attachments",
    "cons": "consultations",
    "hist": "history",
}
CLEAR = {"-", "–", "—"}
MAX_LINE = 1000
MAX_TEXT = 20_000
_POINT = re.compile(r"^\s*(\d{1,2})[.)]\s+")
_ROLE = re.compile(rf"(?:^|\s+)({'|'.join(ROLES)})$", re.IGNORECASE)
_PUBLIC = re.compile(r"(?:^|\s+)(nicht\s?öffentlich|öffentlich)$", re.IGNORECASE)


@dataclass(frozen=True)
class DraftView:
    """What a preview needs: the read fields (plain values) and whether the reference exists."""

    fields: dict[str, object]
    file_name: str
    exists: bool
    awaiting: str | None
    # Per consultation: is there a meeting of that committee on that day (None: no date or
    # a committee nobody knows yet)?
    meetings: tuple[bool | None, ...] = ()


async def start_draft(
    session: AsyncSession,
    *,
    actor: Person,
    chat_id: int,
    vorlage: Vorlage,
    file_id: str,
    file_name: str,
    mime_type: str,
    now: datetime,
    tz: tzinfo,
) -> DraftView:
    """Keep what was read for this chat, replacing an earlier draft of the same chat."""
    require_admin(actor)
    await delete_draft(session, chat_id=chat_id)
    draft = DocumentDraft(
        chat_id=chat_id,
        person_id=actor.id,
        fields=vorlage.to_plain(),
        file_id=file_id,
        file_name=file_name[:255],
        mime_type=mime_type[:100],
        awaiting=None,
        expires_at=now + DRAFT_LIFETIME,
    )
    session.add(draft)
    await session.flush()
    return await view_of(session, draft, tz=tz)


async def current_draft(
    session: AsyncSession, *, actor: Person, chat_id: int, now: datetime
) -> DocumentDraft:
    """The chat's draft; gone or expired means the buttons are outdated."""
    require_admin(actor)
    draft = await draft_of_chat(session, chat_id=chat_id)
    if draft is None or draft.expires_at <= now:
        if draft is not None:
            await delete_draft(session, chat_id=chat_id)
        raise UserError("paper_reading.no_draft")
    return draft


async def awaiting_draft(
    session: AsyncSession, *, actor: Person, chat_id: int, now: datetime
) -> DocumentDraft | None:
    """The chat's draft if it waits for a typed value (else None: the text is not for us)."""
    if not actor.is_admin:
        return None
    draft = await draft_of_chat(session, chat_id=chat_id)
    if draft is None or draft.awaiting is None or draft.expires_at <= now:
        return None
    return draft


async def view_of(session: AsyncSession, draft: DocumentDraft, *, tz: tzinfo) -> DraftView:
    reference = draft.fields.get("reference")
    exists = bool(reference) and (
        await paper_by_reference(session, reference=str(reference)) is not None
    )
    committees = [
        (organization.name, organization)
        for organization in await all_organizations(session)
        if organization.kind is OrganizationKind.COMMITTEE
    ]
    meetings: list[bool | None] = []
    for step in vorlage_of(draft).consultations:
        committee = match_organization(step.organization, committees)
        if committee is None or step.date is None:
            meetings.append(None)
        else:
            meetings.append(await meeting_on(session, committee, step.date, tz) is not None)
    return DraftView(dict(draft.fields), draft.file_name, exists, draft.awaiting, tuple(meetings))


MEETING_PREFIX = "meeting:"  # `awaiting` value while the time and place of a meeting is asked


@dataclass(frozen=True)
class MeetingWanted:
    """A consultation whose committee is known but has no meeting on that day yet."""

    index: int
    organization: Organization
    day: date
    public: bool


async def meeting_wanted(
    session: AsyncSession, draft: DocumentDraft, index: int, *, tz: tzinfo
) -> MeetingWanted:
    steps = vorlage_of(draft).consultations
    if not 0 <= index < len(steps) or steps[index].date is None:
        raise UserError("access.bad_button")
    step = steps[index]
    assert step.date is not None
    committees = [
        (organization.name, organization)
        for organization in await all_organizations(session)
        if organization.kind is OrganizationKind.COMMITTEE
    ]
    committee = match_organization(step.organization, committees)
    if committee is None or await meeting_on(session, committee, step.date, tz) is not None:
        raise UserError("access.bad_button")
    return MeetingWanted(index, committee, step.date, step.public is not False)


def ask_for_meeting(draft: DocumentDraft, index: int, now: datetime) -> None:
    draft.awaiting = f"{MEETING_PREFIX}{index}"
    draft.expires_at = now + DRAFT_LIFETIME


def awaited_meeting(draft: DocumentDraft) -> int | None:
    """The consultation whose meeting's time and place the next text gives, if any."""
    awaiting = draft.awaiting or ""
    if awaiting.startswith(MEETING_PREFIX) and awaiting[len(MEETING_PREFIX) :].isdigit():
        return int(awaiting[len(MEETING_PREFIX) :])
    return None


async def create_consultation_meeting(
    session: AsyncSession,
    *,
    actor: Person,
    draft: DocumentDraft,
    text: str,
    tz: tzinfo,
    now: datetime,
    notifier: Notifier | None,
) -> Meeting:
    """Create the meeting of an awaited consultation from "14:00 Landratsamt, Raum 214"."""
    index = awaited_meeting(draft)
    if index is None:
        raise UserError("paper_reading.no_draft")
    wanted = await meeting_wanted(session, draft, index, tz=tz)
    clock, location = time_and_place(text)
    start = local_datetime(wanted.day, clock, tz, written=text.strip())
    change = await create_meeting(
        session,
        actor=actor,
        organization_key=wanted.organization.key,
        kind=MeetingKind.SESSION,
        name=wanted.organization.name,
        start=start,
        end=None,
        location=location,
        public=wanted.public,
        rsvp=False,
        now=now,
        tz=tz,
        notifier=notifier,
    )
    draft.awaiting = None
    draft.expires_at = now + DRAFT_LIFETIME
    return change.item


def time_and_place(text: str) -> tuple[time, str | None]:
    """ "14:00 Landratsamt" or "14 Uhr, Kreishaus": the time first, then the place."""
    words = text.replace(",", " , ").split()
    for count in (2, 1):
        if len(words) >= count:
            try:
                clock = parse_time(" ".join(words[:count]))
            except UserError:
                continue
            place = " ".join(words[count:]).replace(" , ", ", ").strip(" ,")
            return clock, place or None
    raise UserError("parsing.not_a_time", text=text.strip()[:40])


def ask_for(draft: DocumentDraft, code: str, now: datetime) -> str:
    """Wait for a typed value of the field `code`; returns the field's name."""
    if code not in CORRECTABLE:
        raise UserError("access.bad_button")
    draft.awaiting = CORRECTABLE[code]
    draft.expires_at = now + DRAFT_LIFETIME
    return draft.awaiting


def correct(draft: DocumentDraft, text: str, now: datetime) -> None:
    """Set the awaited field from typed text ("-" empties it); the draft stops waiting."""
    field = draft.awaiting
    if field is None:
        raise UserError("paper_reading.no_draft")
    fields = dict(draft.fields)
    fields[field] = parse_field(field, text)
    draft.fields = fields  # a new dict: the JSON column sees the change
    draft.awaiting = None
    draft.expires_at = now + DRAFT_LIFETIME


def parse_field(field: str, text: str) -> object:
    cleaned = text.strip()
    if cleaned in CLEAR:
        return [] if field == "proposal_points" else None
    if len(cleaned) > MAX_TEXT:
        raise UserError("paper_reading.too_long", limit=MAX_TEXT)
    if field == "reference":
        return clean_reference(cleaned)
    if field == "date":
        return parse_date(cleaned).isoformat()
    if field == "proposal_points":
        return _points(cleaned)
    if field == "attachments":
        if cleaned.casefold() in ("keine", "none"):
            return []
        return [part.strip() for part in re.split(r"[;\n]", cleaned) if part.strip()]
    if field == "summary":
        return cleaned
    if field == "consultations":
        return [_consultation(line) for line in cleaned.splitlines() if line.strip()]
    if field == "history":
        return _history(cleaned)
    line = " ".join(cleaned.split())
    if len(line) > MAX_LINE:
        raise UserError("paper_reading.too_long", limit=MAX_LINE)
    return line


def _points(text: str) -> list[str]:
    """ "1. …\\n2. …" as points; text without numbers is one point."""
    points: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _POINT.match(line)
        if match and int(match.group(1)) == len(points) + 1:
            points.append(line[match.end() :].strip())
        elif points:
            points[-1] = f"{points[-1]} {line.strip()}"
        else:
            points.append(line.strip())
    return points


def _consultation(line: str) -> dict[str, object]:
    """ "11.04.2022 Kreistag öffentlich Entscheidung": date, committee, then optionally
    öffentlich / nichtöffentlich and a role."""
    text = " ".join(line.split())
    first, _, rest = text.partition(" ")
    day = parse_date(first)
    role = _ROLE.search(rest)
    if role:
        rest = rest[: role.start()]
    public = _PUBLIC.search(rest)
    if public:
        rest = rest[: public.start()]
    if not rest.strip():
        raise UserError("paper_reading.bad_consultation", text=text)
    return {
        "organization": rest.strip(),
        "date": day.isoformat(),
        "public": None if public is None else not public.group(1).lower().startswith("nicht"),
        "role": next(r for r in ROLES if r.lower() == role.group(1).lower()) if role else None,
    }


def _history(text: str) -> list[dict[str, object]]:
    """Lines "7. Februar 2022, Kreistag, Drucksache 2022/011", read by the reader's own rule."""
    lines = [Line(normalize(line)) for line in text.splitlines() if line.strip()]
    entries = read_history(split_sections([Line("Historie"), *lines]))
    if len(entries) != len(lines):
        raise UserError("paper_reading.bad_history", text=lines[len(entries)].text[:80])
    return [
        {"date": e.date.isoformat(), "organization": e.organization, "reference": e.reference}
        for e in entries
    ]


def vorlage_of(draft: DocumentDraft) -> Vorlage:
    return Vorlage.from_plain(dict(draft.fields))


async def discard(session: AsyncSession, *, chat_id: int) -> None:
    await delete_draft(session, chat_id=chat_id)
