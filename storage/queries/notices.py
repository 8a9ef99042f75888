"""Queries for notices and reminders: who is told, what is coming up, what was sent already."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Delivery,
    File,
    Meeting,
)


async def sent_event_keys(
    session: AsyncSession, *, pairs: Iterable[tuple[str, int]]
) -> set[tuple[str, int]]:
    """Which (event_key, chat_id) pairs already have an outbox row (in any status)."""
    wanted = sorted(set(pairs))
    found: set[tuple[str, int]] = set()
    # In chunks: SQLite allows a limited number of bound values per statement.
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        query = select(Delivery.event_key, Delivery.chat_id).where(
            tuple_(Delivery.event_key, Delivery.chat_id).in_(chunk)
        )
        found.update((row.event_key, int(row.chat_id)) for row in await session.execute(query))
    return found


async def meetings_starting_between(
    session: AsyncSession, *, after: datetime, until: datetime
) -> list[Meeting]:
    """Meetings not cancelled that start in (after, until], soonest first."""
    query = (
        select(Meeting)
        .where(Meeting.start > after, Meeting.start <= until, Meeting.cancelled.is_(False))
        .order_by(Meeting.start, Meeting.id)
    )
    return list((await session.execute(query)).unique().scalars())


async def declined(session: AsyncSession, *, meeting_ids: Collection[int]) -> set[tuple[int, int]]:
    """(meeting id, person id) of everyone who declined one of these meetings."""
    if not meeting_ids:
        return set()
    query = select(Attendance.meeting_id, Attendance.person_id).where(
        Attendance.meeting_id.in_(list(meeting_ids)),
        Attendance.status == AttendanceStatus.NO,
    )
    return {(row.meeting_id, row.person_id) for row in await session.execute(query)}


async def meetings_with_agenda(
    session: AsyncSession, *, meeting_ids: Collection[int]
) -> dict[int, Meeting]:
    if not meeting_ids:
        return {}
    query = (
        select(Meeting)
        .where(Meeting.id.in_(list(meeting_ids)))
        .options(selectinload(Meeting.agenda_items).joinedload(AgendaItem.paper))
    )
    return {meeting.id: meeting for meeting in (await session.execute(query)).unique().scalars()}


async def file_by_id(session: AsyncSession, *, file_id: int) -> File | None:
    """A file without its content (e.g. a meeting's document for its notice)."""
    return await session.get(File, file_id)


async def newest_file(session: AsyncSession, *, paper_id: int, file_name: str) -> File | None:
    """The paper's most recently attached file of that name (without its content)."""
    query = (
        select(File)
        .where(File.paper_id == paper_id, File.file_name == file_name)
        .order_by(File.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def non_public_uses(session: AsyncSession, *, paper_id: int) -> bool:
    """Whether the paper is on a non-public agenda item or in a non-public meeting."""
    query = (
        select(AgendaItem.id)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(
            AgendaItem.paper_id == paper_id,
            (AgendaItem.public.is_(False)) | (Meeting.public.is_(False)),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None
