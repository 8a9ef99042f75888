"""Queries about attendance (Zusage / Absage / Vielleicht / Vertretung) and rsvp meetings.

Attendance answers are personal data: the services decide who may read them. One row per
(meeting, person) holds the member's current answer; `upsert_answer` writes it with
INSERT … ON CONFLICT DO UPDATE, so concurrent presses never create a second row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, AttendanceStatus, Delivery, Meeting


async def upsert_answer(
    session: AsyncSession,
    *,
    meeting_id: int,
    person_id: int,
    status: AttendanceStatus,
    deputy_name: str | None,
    now: datetime,
) -> None:
    """Store the person's current answer; an answer given again replaces the earlier one and
    confirms it (needs_confirmation becomes false)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Attendance).values(
        meeting_id=meeting_id,
        person_id=person_id,
        status=status,
        deputy_name=deputy_name,
        needs_confirmation=False,
        updated_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["meeting_id", "person_id"],
        set_={
            "status": statement.excluded.status,
            "deputy_name": statement.excluded.deputy_name,
            "needs_confirmation": False,
            "updated_at": statement.excluded.updated_at,
        },
    )
    await session.execute(statement)


async def answer_of(session: AsyncSession, *, meeting_id: int, person_id: int) -> Attendance | None:
    """The person's current answer for the meeting (read fresh from the database)."""
    query = (
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id, Attendance.person_id == person_id)
        .execution_options(populate_existing=True)
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def answers_of_person(
    session: AsyncSession, *, person_id: int, meeting_ids: Iterable[int]
) -> dict[int, Attendance]:
    """The person's own answers for the given meetings, by meeting id."""
    ids = sorted(set(meeting_ids))
    if not ids:
        return {}
    query = select(Attendance).where(
        Attendance.person_id == person_id, Attendance.meeting_id.in_(ids)
    )
    return {row.meeting_id: row for row in (await session.execute(query)).unique().scalars()}


async def answers_for_meeting(session: AsyncSession, *, meeting_id: int) -> dict[int, Attendance]:
    """Every stored answer for the meeting, by person id."""
    query = (
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id)
        .execution_options(populate_existing=True)
    )
    return {row.person_id: row for row in (await session.execute(query)).unique().scalars()}


async def ask_to_confirm(
    session: AsyncSession, *, meeting_id: int, statuses: Iterable[AttendanceStatus]
) -> list[int]:
    """Mark the answers with these statuses as needing confirmation; the persons' ids.

    `updated_at` stays the time of the answer: the meeting's own change already moves the
    calendar stamps, and the overview shows when the member last answered.
    """
    wanted = list(statuses)
    query = select(Attendance.person_id).where(
        Attendance.meeting_id == meeting_id, Attendance.status.in_(wanted)
    )
    person_ids = sorted((await session.execute(query)).scalars())
    if person_ids:
        await session.execute(
            update(Attendance)
            .where(Attendance.meeting_id == meeting_id, Attendance.person_id.in_(person_ids))
            .values(needs_confirmation=True)
        )
    return person_ids


async def fresh_meeting(
    session: AsyncSession, *, meeting_id: int, share_lock: bool = False
) -> Meeting | None:
    """The meeting read fresh (a concurrent move or cancellation must be seen).

    `share_lock` (PostgreSQL; SQLite serialises writers anyway): the row stays as read until
    the transaction ends, so an answer checked against this version is stored for it; a move
    committed meanwhile is seen here and waits for the answer otherwise.
    """
    query = (
        select(Meeting).where(Meeting.id == meeting_id).execution_options(populate_existing=True)
    )
    if share_lock:
        query = query.with_for_update(read=True, of=Meeting)
    return (await session.execute(query)).unique().scalar_one_or_none()


async def rsvp_meetings(
    session: AsyncSession, *, now: datetime, past: bool, limit: int
) -> list[Meeting]:
    """Meetings that ask for attendance: not started yet (soonest first) or started (latest
    first)."""
    started = Meeting.start <= now
    query = select(Meeting).where(Meeting.rsvp.is_(True), started if past else ~started)
    order = [Meeting.start.desc(), Meeting.id.desc()] if past else [Meeting.start, Meeting.id]
    return list((await session.execute(query.order_by(*order).limit(limit))).unique().scalars())


async def open_rsvp_meetings_starting(
    session: AsyncSession, *, after: datetime, until: datetime
) -> list[Meeting]:
    """Meetings that ask for attendance, are not cancelled and start in (after, until]."""
    query = select(Meeting).where(
        Meeting.rsvp.is_(True),
        Meeting.cancelled.is_(False),
        Meeting.start > after,
        Meeting.start <= until,
    )
    return list(
        (await session.execute(query.order_by(Meeting.start, Meeting.id))).unique().scalars()
    )


def request_key_prefix(meeting_id: int) -> str:
    """Every request for an answer to one meeting has an event key starting with this."""
    return f"rsvp:{meeting_id}:"


async def asked_person_ids(
    session: AsyncSession,
    *,
    meeting_id: int,
    event_keys: Iterable[str] = (),
    since: datetime | None = None,
) -> set[int]:
    """Persons who got a request for this meeting: with one of `event_keys`, or (with
    `since`) any request for the meeting written at or after `since`."""
    conditions: list[ColumnElement[bool]] = []
    keys = list(event_keys)
    if keys:
        conditions.append(Delivery.event_key.in_(keys))
    if since is not None:
        conditions.append(
            and_(
                Delivery.event_key.startswith(request_key_prefix(meeting_id), autoescape=True),
                Delivery.created_at >= since,
            )
        )
    if not conditions:
        return set()
    query = select(Delivery.person_id).where(Delivery.person_id.is_not(None), or_(*conditions))
    return {person_id for person_id in (await session.execute(query)).scalars() if person_id}


# Event keys of the messages that carry a meeting's answer buttons (requests, reminders, and
# the change notices that ask again); `{id}` is the meeting id.
BUTTON_MESSAGE_KEYS = ("rsvp:{id}:", "rsvp-remind:{id}:", "rsvp-change:{id}:")


async def button_messages(session: AsyncSession, *, meeting_id: int) -> list[Delivery]:
    """The delivered messages of one meeting that carry answer buttons, oldest first (with
    their Telegram message ids), so that a change can edit them."""
    keys = [
        Delivery.event_key.startswith(key.format(id=meeting_id), autoescape=True)
        for key in BUTTON_MESSAGE_KEYS
    ]
    query = (
        select(Delivery)
        .where(
            or_(*keys),
            Delivery.telegram_message_id.is_not(None),
            Delivery.person_id.is_not(None),
        )
        .order_by(Delivery.id)
    )
    return list((await session.execute(query)).scalars())
