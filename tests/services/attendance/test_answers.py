"""Recording answers: one current answer per member under concurrent presses, and every
refusal (closed, cancelled, outdated, not a member, bad deputy name) changes nothing."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.errors import UserError
from bot.services.attendance import AnswerRefused, record_answer
from storage.models import AttendanceStatus, Meeting, Membership
from tests.attendance_samples import (
    MEMBERS,
    Sessions,
    add_meeting,
    answers,
    make_group,
    person,
    settings,
)

YES, NO, MAYBE, DEPUTY = (
    AttendanceStatus.YES,
    AttendanceStatus.NO,
    AttendanceStatus.MAYBE,
    AttendanceStatus.DEPUTY,
)
SETTINGS = settings()


async def _press(
    sessions: Sessions,
    person_id: int,
    meeting_id: int,
    status: AttendanceStatus,
    *,
    sequence: int = 0,
    deputy: str | None = None,
    now: datetime | None = None,
) -> None:
    """One button press as the handler makes it: its own session and transaction."""
    async with sessions.begin() as session:
        await record_answer(
            session,
            person=await person(sessions, person_id),
            meeting_id=meeting_id,
            sequence=sequence,
            status=status,
            deputy_name=deputy,
            now=now or datetime.now(UTC),
            settings=SETTINGS,
        )


async def test_a_dozen_members_pressing_at_once_leave_one_answer_each(
    sessions: Sessions,
) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    rng = random.Random(6)
    options = [YES, NO, MAYBE, DEPUTY]
    presses: dict[int, list[AttendanceStatus]] = {}
    for _, telegram_id, _, _ in MEMBERS:
        first = rng.choice(options)
        # Double taps (the same answer twice) and changed minds (another answer after it).
        presses[group.person(telegram_id)] = [first, first, rng.choice(options)]
    jobs = [
        _press(sessions, person_id, meeting_id, status, deputy="Maria Muster")
        for person_id, statuses in presses.items()
        for status in statuses
    ]
    rng.shuffle(jobs)
    await asyncio.gather(*jobs)

    rows = await answers(sessions, meeting_id)
    assert sorted(row.person_id for row in rows) == sorted(presses)  # one row per member
    for row in rows:
        assert row.status in presses[row.person_id]
        assert (row.deputy_name == "Maria Muster") == (row.status == DEPUTY)
        assert row.needs_confirmation is False

    # The last press of each member decides (a second round, one press after the other).
    final = {person_id: rng.choice(options) for person_id in presses}
    await asyncio.gather(
        *(_press(sessions, p, meeting_id, s, deputy="Max Muster") for p, s in final.items())
    )
    assert {row.person_id: row.status for row in await answers(sessions, meeting_id)} == final


async def test_changing_ones_mind_replaces_the_answer_and_its_deputy(sessions: Sessions) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    anna = group.person(2003)
    await _press(sessions, anna, meeting_id, DEPUTY, deputy="  Maria   Muster ")
    [row] = await answers(sessions, meeting_id)
    assert (row.status, row.deputy_name) == (DEPUTY, "Maria Muster")
    await _press(sessions, anna, meeting_id, YES, deputy="ignored for a yes")
    [row] = await answers(sessions, meeting_id)
    assert (row.status, row.deputy_name) == (YES, None)


@pytest.mark.parametrize(
    ("deputy", "key"),
    [
        (None, "attendance.deputy_empty"),
        ("   ", "attendance.deputy_empty"),
        ("x", "attendance.deputy_invalid"),
        ("/termine", "attendance.deputy_invalid"),
        ("12345", "attendance.deputy_invalid"),
        ("M" * 201, "attendance.deputy_too_long"),
    ],
)
async def test_a_deputy_needs_a_real_name(sessions: Sessions, deputy: str | None, key: str) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    anna = group.person(2003)
    await _press(sessions, anna, meeting_id, NO)
    with pytest.raises(UserError) as refused:
        await _press(sessions, anna, meeting_id, DEPUTY, deputy=deputy)
    assert refused.value.key == key
    [row] = await answers(sessions, meeting_id)
    assert row.status == NO


async def test_refused_answers_change_nothing(sessions: Sessions) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    plain = await add_meeting(sessions, group, key="sitzung", rsvp=False)
    anna, bernd = group.person(2003), group.person(2004)
    await _press(sessions, anna, meeting_id, MAYBE)

    async def refused(person_id: int, meeting: int, **kwargs: object) -> str:
        with pytest.raises(UserError) as error:
            await _press(sessions, person_id, meeting, YES, **kwargs)  # type: ignore[arg-type]
        return error.value.key

    assert await refused(anna, 999_999) == "attendance.not_found"
    assert await refused(anna, plain) == "attendance.not_rsvp"
    # A button from before a move (the meeting's SEQUENCE has risen since).
    async with sessions.begin() as session:
        await session.execute(update(Meeting).where(Meeting.id == meeting_id).values(sequence=1))
    with pytest.raises(AnswerRefused) as outdated:
        await _press(sessions, anna, meeting_id, YES, sequence=0)
    assert outdated.value.key == "attendance.changed"
    assert outdated.value.meeting_id == meeting_id
    # After the start the answers are closed.
    start = datetime.now(UTC) + timedelta(days=20)
    assert await refused(anna, meeting_id, sequence=1, now=start) == "attendance.closed"
    # A former member may not answer any more.
    async with sessions.begin() as session:
        await session.execute(
            update(Membership)
            .where(Membership.person_id == bernd)
            .values(end_date=date(2022, 1, 1))
        )
    assert await refused(bernd, meeting_id, sequence=1) == "attendance.not_member"
    async with sessions.begin() as session:
        await session.execute(
            update(Meeting).where(Meeting.id == meeting_id).values(cancelled=True)
        )
    assert await refused(anna, meeting_id, sequence=1) == "attendance.cancelled"

    rows = await answers(sessions, meeting_id)
    assert [(row.person_id, row.status) for row in rows] == [(anna, MAYBE)]
