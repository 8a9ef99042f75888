"""Database locks for running several instances on one PostgreSQL database.

* `startup_lock`: a session-level advisory lock (pg_advisory_lock) held while one instance
  does its start-up work; the others wait for it. On SQLite (one instance) a lock in the
  process stands in for it.
* `claim_period`: a periodic job's period is run by the instance that inserts its row into
  `job_periods` first (the primary key decides, on any database).
* `MIGRATION_LOCK`: taken by `storage.migrate.upgrade` inside the migration's transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.models import JobPeriod

MIGRATION_LOCK = 0x6772_0002
STARTUP_LOCK = 0x6772_0003
_local_startup = asyncio.Lock()


@contextlib.asynccontextmanager
async def startup_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Hold the start-up lock of all instances on this database while the block runs."""
    if engine.dialect.name != "postgresql":
        async with _local_startup:
            yield
        return
    async with engine.connect() as connection:
        await connection.execute(select(func.pg_advisory_lock(STARTUP_LOCK)))
        await connection.commit()
        try:
            yield
        finally:
            await connection.execute(select(func.pg_advisory_unlock(STARTUP_LOCK)))
            await connection.commit()


async def claim_period(
    session: AsyncSession, *, job: str, period: str, instance: str, now: datetime
) -> bool:
    """Claim one period of a periodic job; True for exactly one instance per (job, period).

    Call it in the transaction that does the period's work where possible: if that work
    fails and rolls back, the claim goes with it and the next tick tries again.
    """
    dialect = (await session.connection()).dialect.name
    build = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        build(JobPeriod)
        .values(job=job, period=period, claimed_by=instance[:64], claimed_at=now)
        .on_conflict_do_nothing(index_elements=[JobPeriod.job, JobPeriod.period])
        .returning(JobPeriod.job)
    )
    won = (await session.execute(statement)).first() is not None
    if won:  # keep the table small: a day of periods is plenty to tell who ran what
        await session.execute(
            delete(JobPeriod).where(
                JobPeriod.job == job, JobPeriod.claimed_at < now - timedelta(days=1)
            )
        )
    return won


async def last_claim(session: AsyncSession, *, job: str) -> datetime | None:
    """When the job's latest period was claimed, by any instance."""
    query = select(func.max(JobPeriod.claimed_at)).where(JobPeriod.job == job)
    return (await session.execute(query)).scalar_one_or_none()
