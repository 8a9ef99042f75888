"""Read-modify-writes that were safe while updates were handled one at a time, now that chats
are handled in parallel (and on several instances): an answer and a move of the same meeting
at once; two administrators demoting each other at once."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Select, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.attendance import AnswerRefused, record_answer
from bot.services.members import set_admin
from storage.models import AttendanceStatus, Meeting, Person
from tests.attendance_samples import Sessions, add_meeting, answers, make_group, person, settings

# Sessions of this test's database waiting for a lock another one holds.
WAITING = (
    select(func.count())
    .select_from(text("pg_stat_activity"))
    .where(text("wait_event_type = 'Lock' AND datname = current_database()"))
)


async def test_an_answer_racing_a_move_is_refused_not_stored_for_the_old_time(
    sessions: Sessions, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the race cannot happen there")
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    anna = await person(sessions, group.person(2003))

    async def answer() -> None:
        async with sessions.begin() as session:
            await record_answer(
                session,
                person=anna,
                meeting_id=meeting_id,
                sequence=0,  # the version the member's buttons were made for
                status=AttendanceStatus.YES,
                now=datetime.now(UTC),
                settings=settings(),
            )

    async with sessions.begin() as mover:  # an administrator moves the meeting meanwhile
        await mover.execute(
            update(Meeting).where(Meeting.id == meeting_id).values(sequence=Meeting.sequence + 1)
        )
        pressing = asyncio.create_task(answer())
        deadline = time.monotonic() + 30
        while await _count(sessions, WAITING) == 0:  # until the answer waits for the move
            assert not pressing.done(), pressing
            assert time.monotonic() < deadline, "the answer did not wait for the move"
            await asyncio.sleep(0.01)
    with pytest.raises(AnswerRefused) as refused:
        await asyncio.wait_for(pressing, timeout=30)
    assert refused.value.key == "attendance.changed"
    assert await answers(sessions, meeting_id) == []


async def _count(sessions: Sessions, query: Select[tuple[int]]) -> int:
    # A session of its own each time: PostgreSQL keeps one view of pg_stat_activity per
    # transaction.
    async with sessions() as session:
        return int((await session.execute(query)).scalar_one())


async def test_two_administrators_demoting_each_other_at_once_leave_one(
    sessions: Sessions, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: the race cannot happen there")
    group = await make_group(sessions)
    martin = await person(sessions, group.person(2001))
    carla = await person(sessions, group.person(2002))

    async def demote(actor: Person, target: Person, session: AsyncSession) -> None:
        await set_admin(
            session,
            actor=actor,
            person_id=target.id,
            admin=False,
            group_key="lenkungsgruppe",
            now=datetime.now(ZoneInfo("Europe/Berlin")),
        )

    async def carla_demotes_martin() -> None:
        async with sessions.begin() as session:
            await demote(carla, martin, session)

    async with sessions.begin() as first:
        await demote(martin, carla, first)
        second = asyncio.create_task(carla_demotes_martin())
        deadline = time.monotonic() + 30
        while await _count(sessions, WAITING) == 0:  # until the second waits for the first
            assert not second.done(), second
            assert time.monotonic() < deadline, "the second demotion did not wait"
            await asyncio.sleep(0.01)
    with pytest.raises(UserError) as refused:
        await asyncio.wait_for(second, timeout=30)
    assert refused.value.key == "members.last_admin"
    async with sessions() as session:
        admins = (await session.execute(select(Person.name).where(Person.is_admin))).scalars()
        assert list(admins) == ["Dr. Martin Muster"]
