"""Corrections in the chat: a meeting's title, place and public flag; every field of a
published Vorlage; a meeting's agenda items (add, edit, remove, renumber).

Like the other administration services: rights checked on the acting person loaded in this
transaction, one audit entry per change, and a change report in the importer's dataclasses so
that members are told by the same notice rules as after an import (old → new for time and
place, the names of other changed fields, the agenda's added, removed and renamed items).
A value not given (`UNCHANGED`) is kept; a change that changes nothing is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.council_admin.common import (
    AdminChange,
    audit_changes,
    clean_line,
    clean_text,
    finish,
    new_report,
)
from bot.services.council_admin.meetings import (
    RIS_MEETING_FIELDS,
    UNCHANGED,
    KeepOr,
    changeable_meeting,
    clean_location,
    clean_meeting_name,
    finish_meeting_change,
    refuse_synced_meeting,
)
from bot.services.council_admin.papers import (
    MAX_PAPER_TYPE,
    MAX_PROPOSAL,
    clean_paper_name,
    clean_proposal,
    department,
)
from bot.services.importer import EntityChange, FieldChange, Notifier
from bot.services.importer.agenda import sync_agenda
from bot.services.importer.diff import assign, assign_organization
from bot.services.importer.report import PAPER, AgendaChange
from bot.services.importer.schema import AgendaItemIn
from bot.services.members import admin_in
from storage.models import AgendaItem, Meeting, Paper, Person
from storage.queries.council import paper_by_reference
from storage.queries.notices import meetings_with_agenda

MAX_NUMBER = 20  # AgendaItem.number
# What the information system sets on a synced Vorlage (bot/services/oparl).
RIS_PAPER_FIELDS = {"name", "paper_type", "date", "originator"}
MAX_ITEM_NAME = 2000


# --- meetings -------------------------------------------------------------------------------


async def edit_meeting(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    now: datetime,
    name: str | KeepOr = UNCHANGED,
    location: str | KeepOr | None = UNCHANGED,
    public: bool | KeepOr = UNCHANGED,
    rsvp: bool | KeepOr = UNCHANGED,
    notifier: Notifier | None = None,
) -> AdminChange[Meeting]:
    """Correct a meeting's title, place, public flag or attendance requests (rsvp). A new
    place raises the SEQUENCE (calendars update) and is announced as a move; a new title as a
    change. Of a meeting synced from the information system only the local fields (public,
    rsvp) change here; its title and place are changed there."""
    actor = await admin_in(session, actor)
    meeting = await changeable_meeting(session, meeting_id=meeting_id, now=now)
    changes: list[FieldChange] = []
    if name is not UNCHANGED:
        assign(meeting, "name", clean_meeting_name(name), changes)
    if location is not UNCHANGED:
        assign(meeting, "location", clean_location(location), changes)
    if public is not UNCHANGED:
        assign(meeting, "public", bool(public), changes)
    if rsvp is not UNCHANGED:
        assign(meeting, "rsvp", bool(rsvp), changes)
    if RIS_MEETING_FIELDS.intersection(change.field for change in changes):
        refuse_synced_meeting(meeting)
    if not changes:
        raise UserError("council_admin.edit_unchanged")
    return await finish_meeting_change(
        session,
        meeting,
        changes,
        actor=actor,
        action="edit_meeting",
        data={"changes": audit_changes(changes)},
        now=now,
        notifier=notifier,
    )


# --- papers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperEdit:
    """The fields of a Vorlage to correct; UNCHANGED keeps a field."""

    name: str | KeepOr = UNCHANGED
    paper_type: str | KeepOr = UNCHANGED
    date: date | KeepOr | None = UNCHANGED
    originator_key: str | KeepOr | None = UNCHANGED  # a department's key; None: none
    proposal: str | KeepOr | None = UNCHANGED
    summary: str | KeepOr | None = UNCHANGED


async def edit_paper(
    session: AsyncSession,
    *,
    actor: Person | None,
    paper_id: int,
    edit: PaperEdit,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[Paper]:
    """Correct any field of a published Vorlage (title, type, date, lead department,
    Beschlussvorschlag, Sachverhalt); members hear which fields changed."""
    actor = await admin_in(session, actor)
    paper = await session.get(Paper, paper_id)
    if paper is None:
        raise UserError("council_admin.paper_not_found")
    changes: list[FieldChange] = []
    if edit.name is not UNCHANGED:
        assign(paper, "name", clean_paper_name(edit.name), changes)
    if edit.paper_type is not UNCHANGED:
        paper_type = clean_line(
            edit.paper_type,
            limit=MAX_PAPER_TYPE,
            empty_key="council_admin.paper_type_empty",
            long_key="council_admin.paper_type_too_long",
        )
        assign(paper, "paper_type", paper_type, changes)
    if edit.date is not UNCHANGED:
        assign(paper, "date", edit.date, changes)
    if edit.originator_key is not UNCHANGED:
        originator = (
            await department(session, key=edit.originator_key) if edit.originator_key else None
        )
        assign_organization(paper, "originator", originator, changes)
    if edit.proposal is not UNCHANGED:
        assign(paper, "proposal", clean_proposal(edit.proposal), changes)
    if edit.summary is not UNCHANGED:
        summary = clean_text(
            edit.summary, limit=MAX_PROPOSAL, long_key="council_admin.summary_too_long"
        )
        assign(paper, "summary", summary, changes)
    if paper.oparl_id is not None and RIS_PAPER_FIELDS.intersection(c.field for c in changes):
        # Synced from the information system: changed there (proposal and summary stay local).
        if paper.web:
            raise UserError(
                "council_admin.synced_paper_web", reference=paper.reference, web=paper.web
            )
        raise UserError("council_admin.synced_paper", reference=paper.reference)
    if not changes:
        raise UserError("council_admin.edit_unchanged")
    report = new_report()
    report.papers.changed.append(
        EntityChange(PAPER, paper.id, paper.reference, paper.name, tuple(changes))
    )
    return await finish(
        session,
        report,
        paper,
        actor=actor,
        action="edit_paper",
        subject=paper.reference,
        data={"paper_id": paper.id, "changes": audit_changes(changes)},
        now=now,
        notifier=notifier,
    )


# --- agenda ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemEdit:
    """An agenda item to add, or the fields of one to correct (UNCHANGED keeps a field)."""

    number: str | KeepOr = UNCHANGED
    name: str | KeepOr = UNCHANGED
    public: bool | KeepOr = UNCHANGED
    paper: str | KeepOr | None = UNCHANGED  # a Vorlage's reference; None: no Vorlage


def _entry(item_number: str, name: str, public: bool, paper: str | None) -> AgendaItemIn:
    try:
        return AgendaItemIn(number=item_number, name=name, public=public, paper=paper)
    except ValidationError:
        raise UserError("council_admin.bad_reference", text=paper or "") from None


def _current(meeting: Meeting) -> list[AgendaItemIn]:
    return [
        _entry(item.number, item.name, item.public, item.paper.reference if item.paper else None)
        for item in meeting.agenda_items
    ]


def clean_number(number: str) -> str:
    return clean_line(
        number,
        limit=MAX_NUMBER,
        empty_key="council_admin.item_number_empty",
        long_key="council_admin.item_number_too_long",
    )


def clean_item_name(name: str) -> str:
    return clean_line(
        name,
        limit=MAX_ITEM_NAME,
        empty_key="council_admin.item_name_empty",
        long_key="council_admin.item_name_too_long",
    )


async def _agenda_meeting(session: AsyncSession, meeting_id: int, now: datetime) -> Meeting:
    # A synced meeting's agenda comes from the information system.
    refuse_synced_meeting(await changeable_meeting(session, meeting_id=meeting_id, now=now))
    loaded = await meetings_with_agenda(session, meeting_ids={meeting_id})
    return loaded[meeting_id]


async def _papers(session: AsyncSession, entries: list[AgendaItemIn]) -> dict[str, Paper]:
    papers: dict[str, Paper] = {}
    for entry in entries:
        if entry.paper and entry.paper not in papers:
            paper = await paper_by_reference(session, reference=entry.paper)
            if paper is None:
                raise UserError("council_admin.unknown_paper", reference=entry.paper)
            papers[entry.paper] = paper
    return papers


async def _apply_agenda(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting: Meeting,
    entries: list[AgendaItemIn],
    number: str,
    now: datetime,
    notifier: Notifier | None,
) -> AdminChange[Meeting]:
    numbers = [entry.number for entry in entries]
    if len(set(numbers)) != len(numbers):
        raise UserError("council_admin.item_number_taken", number=number)
    change = sync_agenda(meeting, entries, await _papers(session, entries))
    if change is None:
        raise UserError("council_admin.edit_unchanged")
    await session.flush()
    return await _finish_agenda(
        session,
        actor=actor,
        meeting=meeting,
        change=change,
        number=number,
        now=now,
        notifier=notifier,
    )


async def _finish_agenda(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting: Meeting,
    change: AgendaChange,
    number: str,
    now: datetime,
    notifier: Notifier | None,
) -> AdminChange[Meeting]:
    report = new_report()
    report.agendas.append(change)
    return await finish(
        session,
        report,
        meeting,
        actor=actor,
        action="edit_agenda",
        subject=meeting.name,
        data={"meeting_id": meeting.id, "number": number},
        now=now,
        notifier=notifier,
    )


async def add_agenda_item(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    number: str,
    name: str,
    public: bool = True,
    paper: str | None = None,
    position: int | None = None,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[Meeting]:
    """Add a Tagesordnungspunkt (at the end, or before the item at `position`)."""
    actor = await admin_in(session, actor)
    meeting = await _agenda_meeting(session, meeting_id, now)
    entries = _current(meeting)
    number = clean_number(number)
    entry = _entry(number, clean_item_name(name), public, paper.strip() if paper else None)
    at = len(entries) if position is None else max(0, min(position, len(entries)))
    entries.insert(at, entry)
    return await _apply_agenda(
        session,
        actor=actor,
        meeting=meeting,
        entries=entries,
        number=number,
        now=now,
        notifier=notifier,
    )


def _find(entries: list[AgendaItemIn], number: str) -> int:
    for index, entry in enumerate(entries):
        if entry.number == number:
            return index
    raise UserError("council_admin.item_not_found", number=number)


async def edit_agenda_item(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    number: str,
    edit: ItemEdit,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[Meeting]:
    """Correct one item (by its number): number, title, public or not, linked Vorlage."""
    actor = await admin_in(session, actor)
    meeting = await _agenda_meeting(session, meeting_id, now)
    entries = _current(meeting)
    index = _find(entries, number.strip())
    old = entries[index]
    new_number = old.number if edit.number is UNCHANGED else clean_number(edit.number)
    if new_number != old.number:
        # A new number for the same item: renumber in place, so its row (and links) stay.
        return await _renumber(
            session,
            actor=actor,
            meeting=meeting,
            numbers={old.number: new_number},
            now=now,
            notifier=notifier,
            then=edit,
        )
    entries[index] = _entry(
        old.number,
        old.name if edit.name is UNCHANGED else clean_item_name(edit.name),
        old.public if edit.public is UNCHANGED else bool(edit.public),
        old.paper if edit.paper is UNCHANGED else (edit.paper.strip() if edit.paper else None),
    )
    return await _apply_agenda(
        session,
        actor=actor,
        meeting=meeting,
        entries=entries,
        number=old.number,
        now=now,
        notifier=notifier,
    )


async def remove_agenda_item(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    number: str,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[Meeting]:
    actor = await admin_in(session, actor)
    meeting = await _agenda_meeting(session, meeting_id, now)
    entries = _current(meeting)
    del entries[_find(entries, number.strip())]
    return await _apply_agenda(
        session,
        actor=actor,
        meeting=meeting,
        entries=entries,
        number=number.strip(),
        now=now,
        notifier=notifier,
    )


async def renumber_agenda(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[Meeting]:
    """Number the items 1, 2, 3 … in their order (after items were added or removed)."""
    actor = await admin_in(session, actor)
    meeting = await _agenda_meeting(session, meeting_id, now)
    numbers = {item.number: str(position) for position, item in enumerate(meeting.agenda_items, 1)}
    return await _renumber(
        session, actor=actor, meeting=meeting, numbers=numbers, now=now, notifier=notifier
    )


async def _renumber(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting: Meeting,
    numbers: dict[str, str],
    now: datetime,
    notifier: Notifier | None,
    then: ItemEdit | None = None,
) -> AdminChange[Meeting]:
    """Give items new numbers in place (rows and links stay); announced as a new order."""
    final = [numbers.get(item.number, item.number) for item in meeting.agenda_items]
    if len(set(final)) != len(final):
        taken = next(n for n in final if final.count(n) > 1)
        raise UserError("council_admin.item_number_taken", number=taken)
    renamed = [
        (item, numbers[item.number]) for item in meeting.agenda_items if item.number in numbers
    ]
    renamed = [(item, new) for item, new in renamed if item.number != new]
    if not renamed and then is None:
        raise UserError("council_admin.edit_unchanged")
    for item, new in renamed:
        item.number = new
    await session.flush()
    if then is not None and (then.name, then.public, then.paper) != (UNCHANGED,) * 3:
        [(item, new)] = renamed
        return await edit_agenda_item(
            session,
            actor=actor,
            meeting_id=meeting.id,
            number=new,
            edit=ItemEdit(name=then.name, public=then.public, paper=then.paper),
            now=now,
            notifier=notifier,
        )
    change = AgendaChange(
        meeting_id=meeting.id, meeting_key=meeting.key, meeting_name=meeting.name, reordered=True
    )
    shown = ", ".join(f"{old} → {new}" for old, new in numbers.items() if old != new)
    return await _finish_agenda(
        session,
        actor=actor,
        meeting=meeting,
        change=change,
        number=shown,
        now=now,
        notifier=notifier,
    )


__all__ = [
    "AgendaItemRef",
    "ItemEdit",
    "PaperEdit",
    "add_agenda_item",
    "agenda_item",
    "agenda_of",
    "edit_agenda_item",
    "edit_meeting",
    "edit_paper",
    "remove_agenda_item",
    "renumber_agenda",
]


async def agenda_item(session: AsyncSession, *, item_id: int) -> AgendaItemRef:
    """Which meeting and number an agenda item has (buttons carry the item's id)."""
    item = await session.get(AgendaItem, item_id)
    if item is None:
        raise UserError("council_admin.item_gone")
    return AgendaItemRef(item.meeting_id, item.number, item.name, item.public)


@dataclass(frozen=True)
class AgendaItemRef:
    meeting_id: int
    number: str
    name: str
    public: bool


async def agenda_of(session: AsyncSession, *, meeting_id: int, now: datetime) -> Meeting:
    """A meeting that may still be corrected, with its agenda loaded."""
    return await _agenda_meeting(session, meeting_id, now)
