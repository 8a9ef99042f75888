"""An answer and a move of the same meeting at the same moment (chats are handled in parallel):
the answer is never stored for a version of the meeting that no longer exists."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import Select, func, select, text, update

from bot.services.attendance import AnswerRefused, record_answer
from storage.models import AttendanceStatus, Meeting
from tests.attendance_samples import Sessions, add_meeting, answers, make_group, person, settings


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
        waiting = (
            select(func.count())
            .select_from(text("pg_stat_activity"))
            .where(text("wait_event_type = 'Lock' AND datname = current_database()"))
        )
        while await _count(sessions, waiting) == 0:  # until the answer waits for the move
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
