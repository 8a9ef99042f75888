"""Rights are checked on the acting person as stored now, and the last-administrator guard
locks what it counts: two administrators taking each other's rights at the same moment leave
one (issue 13, point 7). The concurrent case runs on PostgreSQL with two sessions at once."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import NotAllowed, UserError
from bot.services.members import end_membership, set_admin
from storage.models import Person
from tests.attendance_samples import make_group, person

Sessions = async_sessionmaker[AsyncSession]
GROUP = "lenkungsgruppe"
MARTIN, CARLA, ANNA = 2001, 2002, 2003


async def _admins(sessions: Sessions) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(Person).where(Person.is_admin.is_(True))
        return int((await session.execute(query)).scalar_one())


async def test_a_stale_copy_of_the_actor_does_not_carry_rights_taken_since(
    sessions: Sessions,
) -> None:
    group = await make_group(sessions)
    carla = await person(sessions, group.person(CARLA))  # loaded while still an administrator
    async with sessions.begin() as session:
        await session.execute(update(Person).where(Person.id == carla.id).values(is_admin=False))
    assert carla.is_admin  # the stale copy still says so
    async with sessions.begin() as session:
        with pytest.raises(NotAllowed):
            await set_admin(
                session,
                actor=carla,
                person_id=group.person(ANNA),
                admin=True,
                group_key=GROUP,
                now=datetime.now(UTC),
            )
    assert await _admins(sessions) == 1


async def _wait_for_a_lock_wait(sessions: Sessions, deadline: float) -> None:
    """Until another session of this database waits for a row lock (PostgreSQL)."""
    while time.monotonic() < deadline:
        async with sessions() as session:
            waiting = (
                await session.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            ).scalar_one()
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the second session never waited for the first one's lock")


@pytest.mark.parametrize("how", ["demote", "end"])
async def test_two_admins_removing_each_other_at_once_leave_one(
    sessions: Sessions, database_url: str, how: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks (SELECT … FOR UPDATE) are PostgreSQL's; SQLite has one writer")
    group = await make_group(sessions)
    martin = await person(sessions, group.person(MARTIN))
    carla = await person(sessions, group.person(CARLA))
    now = datetime.now(UTC)

    async def remove(session: AsyncSession, actor: Person, target: Person) -> None:
        if how == "demote":
            await set_admin(
                session, actor=actor, person_id=target.id, admin=False, group_key=GROUP, now=now
            )
        else:
            await end_membership(
                session, actor=actor, person_id=target.id, group_key=GROUP, now=now
            )

    async def second() -> Exception | None:
        try:
            async with sessions.begin() as session:
                await remove(session, carla, martin)
        except (UserError, NotAllowed) as error:
            return error
        return None

    async with sessions.begin() as first:
        await remove(first, martin, carla)  # not committed yet: Carla's row stays locked
        task = asyncio.create_task(second())
        await _wait_for_a_lock_wait(sessions, time.monotonic() + 10)
    refused = await asyncio.wait_for(task, timeout=10)
    assert refused is not None, "both removals went through"
    assert await _admins(sessions) == 1
