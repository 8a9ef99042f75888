"""Claiming outbox rows: leases, whole batches, chats kept with one worker, several workers on
PostgreSQL (SKIP LOCKED), and a clean stop handing back what was held."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import RateLimits
from bot.services.outbox import Notice, enqueue_many
from storage.models import Delivery, DeliveryStatus, utcnow
from storage.queries.deliveries import claim_due
from tests.services.delivery.support import (
    FAST,
    add_members,
    local_telegram,
    received,
    received_counts,
    running_worker,
    wait_until_settled,
)
from tests.waiting import until


def _notice(event: str, chat_id: int, batch: str | None = None) -> Notice:
    return Notice(event_key=event, chat_id=chat_id, kind="k", text=event, batch_key=batch)


async def _claim(
    sessions: async_sessionmaker[AsyncSession], worker: str, *, limit: int = 100, later: float = 0
) -> list[str]:
    now = utcnow() + timedelta(seconds=later)
    async with sessions.begin() as session:
        rows = await claim_due(
            session,
            worker_id=worker,
            now=now,
            lease_until=now + timedelta(seconds=30),
            limit=limit,
        )
        return sorted(row.event_key for row in rows)


async def test_a_claim_lasts_its_lease_and_keeps_the_chat_with_its_worker(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await enqueue_many(session, [_notice("a1", 1), _notice("b1", 2)])
    assert await _claim(sessions, "dead", limit=1) == ["a1"]
    async with sessions.begin() as session:
        await enqueue_many(session, [_notice("a2", 1)])
    # Chat 1 is held by "dead": its new row waits for that worker (per-chat pacing in one place).
    assert await _claim(sessions, "alive") == ["b1"]
    assert await _claim(sessions, "alive") == []
    # Leases not renewed run out (the dead worker's, here also b1's), and the rows are due again.
    assert await _claim(sessions, "alive", later=31) == ["a1", "a2", "b1"]


async def test_a_batch_is_claimed_whole_even_past_the_limit(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await enqueue_many(
            session,
            [
                _notice("n1", 1, "import:1"),
                _notice("n2", 1, "import:1"),
                _notice("x", 2),
                _notice("n3", 1, "import:1"),
            ],
        )
    assert await _claim(sessions, "w", limit=1) == ["n1", "n2", "n3"]


async def test_two_workers_share_a_broadcast_without_sending_anything_twice(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("several workers need PostgreSQL (SKIP LOCKED); SQLite runs one")
    async with local_telegram(RateLimits.off()) as (api, bot):
        members = await add_members(sessions, api, 300)
        notices = [_notice("broadcast", m.chat_id) for m in members]
        options = {**FAST, "claim_size": 20, "concurrency": 4}
        async with (
            running_worker(bot, sessions, **options) as one,
            running_worker(bot, sessions, **options) as two,
        ):
            async with sessions.begin() as session:
                await enqueue_many(session, notices)
            await wait_until_settled(sessions)
        assert set(received_counts(api, [m.chat_id for m in members]).values()) == {1}
        assert one.stats.sent > 0
        assert two.stats.sent > 0
        assert one.stats.sent + two.stats.sent == 300


async def _latest_lease_end(sessions: async_sessionmaker[AsyncSession]) -> datetime:
    """The end of the lease of the rows a worker holds (their `next_attempt_at`)."""
    async with sessions() as session:
        held = await session.execute(select(Delivery).where(Delivery.claimed_by.is_not(None)))
        ends = [row.next_attempt_at for row in held.scalars()]
    assert ends, "no rows are held"
    return max(ends)


async def test_held_rows_are_renewed_and_a_stop_hands_back_what_was_not_sent(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with local_telegram(RateLimits.off()) as (api, bot):
        admin = api.user(1, "Admin")
        group = api.group(-1002, "Fraktion")
        await group.add_bot(admin, wait=False)
        async with sessions.begin() as session:
            await enqueue_many(session, [_notice(f"g{n}", -1002) for n in range(25)])
        # 20 per minute per group: the first 20 go out, the other 5 wait for their turn, held
        # by the worker, whose short lease is renewed meanwhile, so no one else takes them.
        async with running_worker(bot, sessions, **{**FAST, "lease": 0.6}) as worker:
            await until(lambda: worker.stats.sent >= 20, what="the first 20 group messages")
            first_end = await _latest_lease_end(sessions)
            # Past the first lease's end: without a renewal the rows would be free now.
            await until(lambda: utcnow() > first_end, what="the first lease's end")
            assert await _latest_lease_end(sessions) > first_end  # renewed
            assert await _claim(sessions, "intruder") == []
        assert len(received(api, -1002)) == 20
        async with sessions() as session:
            rows = list((await session.execute(select(Delivery))).scalars())
    waiting = [row for row in rows if row.status is DeliveryStatus.PENDING]
    assert len(waiting) == 5
    assert {row.claimed_by for row in waiting} == {None}
    assert all(row.next_attempt_at <= utcnow() for row in waiting)
