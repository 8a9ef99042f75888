"""Recording what became of a message, right after Telegram answered, apart from the claim.

`Recorder.settle` writes the outcome of one attempt; `Recorder.put_back` deals with the messages
of the same chat still waiting in memory when the chat has to stop (RetryAfter, blocked, …).

Sent messages are marked by group commit: every message accepted while the previous mark
transaction was being written is marked in the next one, at once and together. Nothing waits
for a batch to fill, so a mark is never later than one commit; under load one commit marks many
messages (on SQLite each commit is a write to disk, which would otherwise be the bottleneck).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.delivery.compose import Outgoing
from bot.services.delivery.options import DeliveryOptions, DeliveryStats
from bot.services.delivery.outcome import Outcome, Verdict, backoff
from storage.models import DeliveryStatus, utcnow
from storage.queries import deliveries as queries

log = logging.getLogger(__name__)


class SentMarker:
    """Group commit of sent marks (see the module docstring)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], stats: DeliveryStats) -> None:
        self.sessions = sessions
        self.stats = stats
        self._waiting: list[tuple[Outgoing, int, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def mark(self, message: Outgoing, message_id: int) -> None:
        """Return once the message's rows are committed as sent."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((message, message_id, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        await done

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._commit(batch)
            except Exception as error:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(error)
            else:
                for message, _, done in batch:
                    self.stats.sent += 1
                    self.stats.rows_sent += len(message.rows)
                    if not done.done():
                        done.set_result(None)

    async def _commit(self, batch: list[tuple[Outgoing, int, asyncio.Future[None]]]) -> None:
        marks = [
            queries.SentMark(row.id, row.attempts + 1, message_id)
            for message, message_id, _ in batch
            for row in message.rows
        ]
        # A member we had given up on received this: reachable again.
        returned = {
            message.person_id
            for message, _, _ in batch
            if message.person_id is not None
            and message.recipient is not None
            and not message.recipient.reachable
        }
        async with self.sessions.begin() as session:
            await queries.mark_sent(session, marks=marks, now=utcnow())
            for person_id in returned:
                await queries.set_reachable(session, person_id=person_id, reachable=True)


class Recorder:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        options: DeliveryOptions,
        stats: DeliveryStats,
    ) -> None:
        self.sessions = sessions
        self.options = options
        self.stats = stats
        self.marker = SentMarker(sessions, stats)

    async def settle(self, message: Outgoing, outcome: Outcome) -> tuple[Outcome, datetime]:
        """Store the outcome; returns it (transient may become failed) and the retry time.

        A lost write would turn into a duplicate message once the claim runs out, so a failing
        database is tried a few times before giving up.
        """
        for attempt in range(3):
            try:
                return await self._settle(message, outcome)
            except IntegrityError:
                if outcome.verdict is not Verdict.MIGRATED:
                    raise
                # The new chat already has this event: the notice is there already.
                outcome = Outcome(Verdict.FAILED, f"{outcome.reason}; already delivered there")
            except Exception:
                if attempt == 2:
                    raise
                log.warning("recording a delivery failed; trying again", exc_info=True)
                await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def _settle(self, message: Outgoing, outcome: Outcome) -> tuple[Outcome, datetime]:
        now = utcnow()
        ids = message.ids
        retry_at = now
        verdict = outcome.verdict
        if verdict is Verdict.SENT:
            assert outcome.message_id is not None
            await self.marker.mark(message, outcome.message_id)
            return outcome, retry_at
        async with self.sessions.begin() as session:
            if verdict is Verdict.RETRY_AFTER:
                retry_at = now + timedelta(seconds=outcome.retry_after)
                await queries.reschedule(
                    session, ids=ids, at=retry_at, error=outcome.reason, count_attempt=False
                )
                self.stats.rate_limited += 1
            elif verdict is Verdict.MIGRATED:
                assert outcome.new_chat_id is not None
                await queries.move_chat(
                    session, old_chat_id=message.chat_id, new_chat_id=outcome.new_chat_id
                )
                await queries.reschedule(
                    session, ids=ids, at=now, error=outcome.reason, count_attempt=False
                )
            elif verdict is Verdict.UNREACHABLE:
                await self._unreachable(session, message, outcome.reason)
            elif verdict is Verdict.FAILED:
                await self._failed(session, ids, outcome.reason)
            else:
                attempts = max(row.attempts for row in message.rows) + 1
                if attempts >= self.options.max_attempts:
                    outcome = Outcome(Verdict.FAILED, f"{outcome.reason} ({attempts} attempts)")
                    await self._failed(session, ids, outcome.reason)
                else:
                    delay = backoff(
                        attempts, base=self.options.backoff_base, cap=self.options.backoff_cap
                    )
                    retry_at = now + timedelta(seconds=delay)
                    await queries.reschedule(
                        session, ids=ids, at=retry_at, error=outcome.reason, count_attempt=True
                    )
                    self.stats.retried += 1
        return outcome, retry_at

    async def _unreachable(self, session: AsyncSession, message: Outgoing, reason: str) -> None:
        await queries.finish(
            session, ids=message.ids, status=DeliveryStatus.UNREACHABLE, error=reason
        )
        if message.person_id is not None:
            await queries.set_reachable(
                session, person_id=message.person_id, reachable=False, reason=reason
            )
        self.stats.unreachable += len(message.ids)

    async def _failed(self, session: AsyncSession, ids: list[int], reason: str) -> None:
        await queries.finish(session, ids=ids, status=DeliveryStatus.FAILED, error=reason)
        self.stats.failed += len(ids)

    async def put_back(
        self, rest: Sequence[Outgoing], outcome: Outcome, retry_at: datetime
    ) -> None:
        """The chat's other waiting messages after `outcome`: unreachable too, or back to the
        database due at `retry_at` (keeping their order behind the one that failed)."""
        if not rest:
            return
        ids = [row_id for message in rest for row_id in message.ids]
        async with self.sessions.begin() as session:
            if outcome.verdict is Verdict.UNREACHABLE:
                await queries.finish(
                    session, ids=ids, status=DeliveryStatus.UNREACHABLE, error=outcome.reason
                )
                self.stats.unreachable += len(ids)
            else:
                await queries.reschedule(
                    session, ids=ids, at=retry_at, error=None, count_attempt=False
                )
