"""The worker's claims in the database: taking due rows, renewing held ones, handing them back.

Each step is a short transaction of its own (see `storage.queries.deliveries` for how a claim
and its lease are stored).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Delivery, utcnow
from storage.queries import deliveries as queries

log = logging.getLogger(__name__)


class Claims:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, worker_id: str, lease: float
    ) -> None:
        self.sessions = sessions
        self.worker_id = worker_id
        self.lease = timedelta(seconds=lease)

    async def take(self, limit: int) -> tuple[list[Delivery], dict[int, queries.Recipient]]:
        """Claim up to `limit` due rows (plus the rest of their batches) and their recipients."""
        now = utcnow()
        async with self.sessions.begin() as session:
            rows = await queries.claim_due(
                session,
                worker_id=self.worker_id,
                now=now,
                lease_until=now + self.lease,
                limit=limit,
            )
            people = await queries.recipients(
                session, person_ids=(row.person_id for row in rows if row.person_id is not None)
            )
        return rows, people

    async def renew(self, ids: Iterable[int]) -> None:
        async with self.sessions.begin() as session:
            await queries.renew_claims(
                session,
                worker_id=self.worker_id,
                ids=sorted(ids),
                lease_until=utcnow() + self.lease,
            )

    async def hand_back(self) -> None:
        """Everything this worker still holds becomes due now (on a clean stop)."""
        async with self.sessions.begin() as session:
            await queries.release_claims(session, now=utcnow(), worker_id=self.worker_id)

    async def take_back_after_crash(self) -> None:
        """SQLite runs one worker process: every claim found at start is a dead process's."""
        async with self.sessions.begin() as session:
            if session.get_bind().dialect.name != "sqlite":
                return  # PostgreSQL: other instances may be alive; their leases decide
            released = await queries.release_claims(session, now=utcnow())
        if released:
            log.info("took back %d deliveries held when the bot stopped", released)

    async def finish_announcements(self, ids: Iterable[int]) -> set[int]:
        """Stamp finished broadcasts; returns those still unfinished."""
        async with self.sessions.begin() as session:
            return await queries.finish_announcements(session, announcement_ids=ids, now=utcnow())
