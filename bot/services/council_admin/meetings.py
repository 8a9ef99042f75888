"""Meetings administered in the chat: create, move and cancel, with audit and change report.

Rights are checked here (administrators only; `actor=None` is the shell). Moving or
cancelling raises the meeting's iCalendar SEQUENCE by the importer's rule, and the change
report uses the importer's dataclasses, so notifications treat chat and import alike.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from enum import Enum
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.council_admin.common import (
    AdminChange,
    audit_changes,
    clean_line,
    clean_optional_line,
    finish,
    new_report,
)
from bot.services.importer import EntityChange, EntityRef, FieldChange, Notifier
from bot.services.importer.apply import SEQUENCE_FIELDS
from bot.services.importer.diff import assign
from bot.services.importer.report import MEETING
from bot.services.members import admin_in
from storage.models import Meeting, MeetingKind, Organization, OrganizationKind, Person
from storage.queries.council import meeting_by_id
from storage.queries.council_admin import meeting_keys_with_prefix
from storage.queries.members import organization_by_key

MAX_NAME = 255  # Meeting.name
MAX_LOCATION = 255  # Meeting.location
KEY_ORGANIZATION_PART = 80  # Meeting.key holds 100 characters: room for "-yyyy-mm-dd-n"


class _Unchanged(Enum):
    UNCHANGED = "unchanged"


UNCHANGED = _Unchanged.UNCHANGED
KeepOr = Literal[_Unchanged.UNCHANGED]


def clean_meeting_name(name: str) -> str:
    return clean_line(
        name,
        limit=MAX_NAME,
        empty_key="council_admin.meeting_name_empty",
        long_key="council_admin.meeting_name_too_long",
    )


def clean_location(location: str | None) -> str | None:
    return clean_optional_line(
        location, limit=MAX_LOCATION, long_key="council_admin.location_too_long"
    )


MAX_REASON = 500


def clean_reason(reason: str | None) -> str | None:
    """An optional reason for a move or a cancellation: one paragraph, at most 500 characters;
    empty or "-" means none."""
    if reason is None:
        return None
    cleaned = " ".join(reason.split())
    if cleaned in ("", "-"):
        return None
    if len(cleaned) > MAX_REASON:
        raise UserError("council_admin.reason_too_long", limit=MAX_REASON)
    return cleaned


def check_times(start: datetime, end: datetime | None, *, now: datetime) -> None:
    """A meeting set in the chat lies in the future, and ends after it starts."""
    if start <= now:
        raise UserError("council_admin.start_in_past")
    if end is not None and end <= start:
        raise UserError("council_admin.end_before_start")


async def committee(session: AsyncSession, *, key: str) -> Organization:
    found = await organization_by_key(session, key=key)
    if found is None or found.kind != OrganizationKind.COMMITTEE:
        raise UserError("council_admin.unknown_committee", key=key)
    return found


async def new_meeting_key(
    session: AsyncSession, *, organization_key: str, start: datetime, tz: tzinfo
) -> str:
    """`<organization>-<local date>-<n>`: readable, fixed at creation (moving keeps it), and
    the `-n` keeps it apart from import keys and from other meetings of that day."""
    day = start.astimezone(tz).date().isoformat()
    prefix = f"{organization_key[:KEY_ORGANIZATION_PART]}-{day}-"
    taken = await meeting_keys_with_prefix(session, prefix=prefix)
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    # Two administrators creating at the same instant could pick the same key: the unique
    # constraint then refuses the second transaction, which stores nothing.
    return f"{prefix}{number}"


async def changeable_meeting(session: AsyncSession, *, meeting_id: int, now: datetime) -> Meeting:
    """A meeting that may still be moved or cancelled: exists, not cancelled, not over."""
    meeting = await meeting_by_id(session, meeting_id=meeting_id)
    if meeting is None:
        raise UserError("council_admin.meeting_not_found")
    if meeting.cancelled:
        raise UserError("council_admin.meeting_cancelled", title=meeting.name)
    if (meeting.end or meeting.start) <= now:
        raise UserError("council_admin.meeting_over", title=meeting.name)
    return meeting


# What the council's information system sets on a synced meeting (bot/services/oparl): the
# chat may not change it; kind, public flag and attendance requests (rsvp) stay local.
RIS_MEETING_FIELDS = {"name", "start", "end", "location", "cancelled"}


def refuse_synced_meeting(meeting: Meeting) -> None:
    """A meeting synced from the information system is changed there, not in the chat: say
    where (its page there, when known)."""
    if meeting.oparl_id is None:
        return
    if meeting.web:
        raise UserError("council_admin.synced_meeting_web", title=meeting.name, web=meeting.web)
    raise UserError("council_admin.synced_meeting", title=meeting.name)


def _raise_sequence(meeting: Meeting, changes: list[FieldChange]) -> None:
    # The importer's rule: a change of time, place or cancellation makes calendars update.
    if SEQUENCE_FIELDS.intersection(change.field for change in changes):
        meeting.sequence += 1


async def finish_meeting_change(
    session: AsyncSession,
    meeting: Meeting,
    changes: list[FieldChange],
    *,
    actor: Person | None,
    action: str,
    data: dict[str, Any],
    now: datetime,
    notifier: Notifier | None,
    cancelled: bool = False,
) -> AdminChange[Meeting]:
    """The end of every change to one meeting (edit, move, cancellation): its SEQUENCE, the
    change report, the audit entry and the notices."""
    _raise_sequence(meeting, changes)
    report = new_report()
    entries = report.meetings.cancelled if cancelled else report.meetings.changed
    entries.append(EntityChange(MEETING, meeting.id, meeting.key, meeting.name, tuple(changes)))
    return await finish(
        session,
        report,
        meeting,
        actor=actor,
        action=action,
        subject=meeting.name,
        data={"meeting_id": meeting.id, "key": meeting.key, **data},
        now=now,
        notifier=notifier,
    )


async def create_meeting(
    session: AsyncSession,
    *,
    actor: Person | None,
    organization_key: str,
    kind: MeetingKind,
    name: str,
    start: datetime,
    end: datetime | None,
    location: str | None,
    public: bool,
    rsvp: bool,
    now: datetime,
    tz: tzinfo,
    notifier: Notifier | None = None,
) -> AdminChange[Meeting]:
    """Create a meeting (Sitzung, Präsentation, Termin) of a committee."""
    actor = await admin_in(session, actor)
    name = clean_meeting_name(name)
    location = clean_location(location)
    check_times(start, end, now=now)
    organization = await committee(session, key=organization_key)
    key = await new_meeting_key(session, organization_key=organization.key, start=start, tz=tz)
    meeting = Meeting(
        key=key,
        organization=organization,
        kind=MeetingKind(kind),
        name=name,
        start=start,
        end=end,
        location=location,
        public=public,
        cancelled=False,
        rsvp=rsvp,
        sequence=0,
        agenda_items=[],
    )
    session.add(meeting)
    await session.flush()
    report = new_report()
    report.meetings.created.append(EntityRef(MEETING, meeting.id, key, name))
    return await finish(
        session,
        report,
        meeting,
        actor=actor,
        action="create_meeting",
        subject=name,
        data={
            "meeting_id": meeting.id,
            "key": key,
            "organization": organization.name,
            "start": start.isoformat(),
        },
        now=now,
        notifier=notifier,
    )


async def move_meeting(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    start: datetime,
    end: datetime | None,
    location: str | KeepOr | None = UNCHANGED,
    now: datetime,
    tz: tzinfo,
    notifier: Notifier | None = None,
    reason: str | None = None,
) -> AdminChange[Meeting]:
    """Give a meeting a new time (and place); the SEQUENCE rises, the key stays. An optional
    `reason` is kept with the meeting and shown in the notice and the calendar."""
    actor = await admin_in(session, actor)
    reason = clean_reason(reason)
    check_times(start, end, now=now)
    meeting = await changeable_meeting(session, meeting_id=meeting_id, now=now)
    refuse_synced_meeting(meeting)
    changes: list[FieldChange] = []
    assign(meeting, "start", start, changes)
    assign(meeting, "end", end, changes)
    if location is not UNCHANGED:
        assign(meeting, "location", clean_location(location), changes)
    if not changes:
        raise UserError("council_admin.move_unchanged")
    meeting.change_reason = reason
    return await finish_meeting_change(
        session,
        meeting,
        changes,
        actor=actor,
        action="move_meeting",
        data={"changes": audit_changes(changes), "reason": reason},
        now=now,
        notifier=notifier,
    )


async def cancel_meeting(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    now: datetime,
    tz: tzinfo,
    notifier: Notifier | None = None,
    reason: str | None = None,
) -> AdminChange[Meeting]:
    """Cancel a meeting: it stays (calendars show it cancelled) and its SEQUENCE rises. An
    optional `reason` is kept and shown in the notice and the calendar."""
    actor = await admin_in(session, actor)
    reason = clean_reason(reason)
    meeting = await changeable_meeting(session, meeting_id=meeting_id, now=now)
    refuse_synced_meeting(meeting)
    changes: list[FieldChange] = []
    assign(meeting, "cancelled", True, changes)
    meeting.change_reason = reason
    return await finish_meeting_change(
        session,
        meeting,
        changes,
        actor=actor,
        action="cancel_meeting",
        data={"start": meeting.start.isoformat(), "reason": reason},
        now=now,
        notifier=notifier,
        cancelled=True,
    )
