"""Periodic work once across instances: one claim per job and period, on both engines."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.locks import claim_period, last_claim


async def test_one_instance_claims_each_period(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2031, 7, 5, 12, tzinfo=UTC)

    async def claim(instance: str, period: str) -> bool:
        async with sessions.begin() as session:
            return await claim_period(
                session, job="reminders", period=period, instance=instance, now=now
            )

    first = await asyncio.gather(*(claim(f"instance-{n}", "100") for n in range(4)))
    assert sorted(first) == [False, False, False, True]
    assert await claim("instance-0", "101")  # the next period is free again
    async with sessions() as session:
        assert await last_claim(session, job="reminders") == now
        assert await last_claim(session, job="oparl") is None
