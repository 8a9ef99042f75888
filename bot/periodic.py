"""Periodic work and start-up work, done once across all instances on one database.

* `run_once_per_period(runtime, job, interval, work)`: the instance that claims the current
  period (a row in `job_periods`, storage/locks.py) runs `work`; the others skip it. The
  reminders use it; so can the OParl sync: `await run_once_per_period(runtime, job="oparl",
  interval=settings.oparl_interval, work=sync_once)` on every instance's timer.
* `startup_once(runtime, work)`: the start-up work (administrators from ADMINS, command
  menus) under the database's start-up lock, skipped when another instance did it moments
  ago with the same ADMINS (instances started together).
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from bot.metrics import PERIODIC_RUNS
from bot.runtime import Runtime
from storage.locks import claim_period, last_claim, startup_lock

log = logging.getLogger(__name__)
T = TypeVar("T")

INSTANCE_ID = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
STARTUP_WINDOW = timedelta(seconds=30)


def period_of(now: datetime, interval: float) -> str:
    """The period `now` falls in, for a job run every `interval` seconds (same on every
    instance: counted from the Unix epoch)."""
    return str(int(now.timestamp() // max(interval, 1.0)))


async def run_once_per_period(
    runtime: Runtime, *, job: str, interval: float, work: Callable[[], Awaitable[T]]
) -> T | None:
    """Run `work` if this instance claims the current period of `job`; else None."""
    now = datetime.now(UTC)
    async with runtime.sessions.begin() as session:
        won = await claim_period(
            session, job=job, period=period_of(now, interval), instance=INSTANCE_ID, now=now
        )
    PERIODIC_RUNS.labels(job=job, result="ran" if won else "skipped").inc()
    if not won:
        return None
    return await work()


async def startup_once(runtime: Runtime, work: Callable[[], Awaitable[None]]) -> bool:
    """Run the start-up `work` under the start-up lock unless another instance just did it
    with the same ADMINS; True if it ran here."""
    admins = ",".join(str(admin) for admin in sorted(runtime.settings.admins))
    job = "startup:" + hashlib.sha256(admins.encode()).hexdigest()[:16]
    async with startup_lock(runtime.engine):
        now = datetime.now(UTC)
        async with runtime.sessions.begin() as session:
            last = await last_claim(session, job=job)
            if last is not None and now - last < STARTUP_WINDOW:
                log.info("start-up work was done by another instance moments ago")
                return False
        await work()
        async with runtime.sessions.begin() as session:
            await claim_period(
                session, job=job, period=now.isoformat(), instance=INSTANCE_ID, now=now
            )
    return True
