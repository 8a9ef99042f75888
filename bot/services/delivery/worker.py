"""The delivery worker: sends due outbox rows to Telegram, paced, and records each outcome.

How it works
  * The main loop *claims* due rows (oldest first) in a short transaction: it writes its id into
    `claimed_by` and a lease end into `next_attempt_at`, renewed every third of the lease while
    the rows are held. On PostgreSQL the claim uses `SELECT … FOR UPDATE SKIP LOCKED`, so several
    instances can run side by side, and a chat held by one instance is left to it (the claims
    of all instances take turns under an advisory lock, so no two claim one chat at once).
    The global rate is a `SendBudget` shared with the bot's replies; on PostgreSQL a token
    bucket row shared by every instance (bot/services/delivery/budget.py). On SQLite run
    one worker process only (the default `gremienbot run` does): the clause does not exist there,
    and at start the worker hands back every claim, which is only right for a single process.
  * Claimed rows are combined into messages per chat (`compose`) and queued per chat. One task
    per chat sends its messages in order, paced by `Pacer`; at most `slots` requests are in
    flight across all chats.
  * Each outcome is written right after Telegram answered, in a transaction apart from the claim
    (`settle`; sent marks by group commit): sent, rescheduled (RetryAfter for that chat only;
    transient errors with backoff), failed or unreachable.

Crash safety
  The state lives only in the database. After a crash the rows the dead worker held become due
  again when their lease ends (at once on SQLite, at the next start), so nothing is lost. A
  message is sent twice only if Telegram accepted it and the process died before the row was
  marked sent: a request in flight. A slot is held until the mark is committed, so at most
  `slots` messages can be duplicated by a crash. (A request that timed out although Telegram did
  deliver it is such a message in flight too; Telegram offers no idempotency key.)

Waking
  The worker looks at the database every `poll_interval` and is woken at once by
  `bot.services.delivery.notify()`, which the outbox calls after a commit that wrote rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import deque
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import TelegramError

from bot.config import Settings
from bot.metrics import DELIVERIES, RETRY_AFTER
from bot.services.delivery import wakeup
from bot.services.delivery.budget import SendBudget
from bot.services.delivery.claims import Claims
from bot.services.delivery.compose import Outgoing, compose, in_quiet_hours
from bot.services.delivery.options import TELEGRAM_FREE_RATE, DeliveryOptions, DeliveryStats
from bot.services.delivery.outcome import Outcome, Verdict, classify
from bot.services.delivery.pacing import Pacer
from bot.services.delivery.sending import Sender
from bot.services.delivery.settle import Recorder
from storage.models import Delivery, utcnow
from storage.queries import deliveries as queries

log = logging.getLogger(__name__)

# Chat-wide consequences: the chat's other waiting messages are put back or closed too.
_STOPS_CHAT = {Verdict.RETRY_AFTER, Verdict.MIGRATED, Verdict.UNREACHABLE, Verdict.TRANSIENT}


class DeliveryWorker:
    def __init__(
        self,
        *,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        timezone: tzinfo,
        options: DeliveryOptions | None = None,
        budget: SendBudget | None = None,
    ) -> None:
        self.options = options or DeliveryOptions()
        self.stats = DeliveryStats()
        self.worker_id = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._claims = Claims(sessions, worker_id=self.worker_id, lease=self.options.lease)
        self._tz = timezone
        self._sender = Sender(bot, sessions, allow_paid_broadcast=self.options.allow_paid_broadcast)
        self._recorder = Recorder(sessions, self.options, self.stats)
        self._pacer = Pacer(
            rate=self.options.rate,
            private_per_second=self.options.private_per_second,
            group_per_minute=self.options.group_per_minute,
            budget=budget,
        )
        self._slots = asyncio.Semaphore(self.options.slots)
        self._queues: dict[int, deque[Outgoing]] = {}
        self._chat_tasks: dict[int, asyncio.Task[None]] = {}
        self._in_flight: set[asyncio.Future[tuple[Outcome, datetime]]] = set()
        self._held: set[int] = set()  # ids of rows claimed and not yet settled
        self._renewed_at = 0.0  # time.monotonic() of the last claim or renewal
        self._announcements: set[int] = set()  # broadcasts to stamp as finished
        self._checked_announcements = 0.0
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(
        cls,
        *,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        budget: SendBudget | None = None,
        **overrides: object,
    ) -> DeliveryWorker:
        options = DeliveryOptions.from_settings(settings, **overrides)
        return cls(bot=bot, sessions=sessions, timezone=settings.tz, options=options, budget=budget)

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start draining the outbox in the background (returns at once)."""
        if self._task is not None:
            raise RuntimeError("the delivery worker is already running")
        if self.options.rate > TELEGRAM_FREE_RATE and not self.options.allow_paid_broadcast:
            log.warning(
                "delivery rate %g/s is above Telegram's %g/s; without allow_paid_broadcast "
                "Telegram will answer with RetryAfter",
                self.options.rate,
                TELEGRAM_FREE_RATE,
            )
        await self._claims.take_back_after_crash()
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        wakeup.subscribe(self.wake)
        self._task = asyncio.create_task(self._run(), name="delivery-worker")

    async def stop(self) -> None:
        """Stop claiming, let requests in flight finish and be recorded, hand back the rest."""
        if self._task is None:
            return
        self._stopping = True
        wakeup.unsubscribe(self.wake)
        self._wakeup.set()
        await self._task
        self._task = None
        chat_tasks = list(self._chat_tasks.values())
        for task in chat_tasks:
            task.cancel()
        await asyncio.gather(*chat_tasks, return_exceptions=True)
        if self._in_flight:
            await asyncio.wait(self._in_flight, timeout=self.options.stop_timeout)
        try:
            await self._claims.hand_back()
        except Exception:
            log.exception("could not hand back held deliveries; their claims will run out")
        self._queues.clear()
        self._held.clear()

    def wake(self) -> None:
        """Look for due rows now (safe from any thread or loop)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wakeup.set()
        else:
            loop.call_soon_threadsafe(self._wakeup.set)

    # -- main loop ------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            more = False
            try:
                more = await self._tick()
            except Exception:
                log.exception("delivery worker: database error; trying again shortly")
            if not more and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), self.options.poll_interval)

    async def _tick(self) -> bool:
        """Renew claims, claim and dispatch due rows; True if more are due right away."""
        now = time.monotonic()
        if self._held and now - self._renewed_at > self.options.lease / 3:
            await self._renew()
        if self._announcements and now - self._checked_announcements > 1.0:
            self._checked_announcements = now
            self._announcements = await self._claims.finish_announcements(self._announcements)
        room = self.options.batch - len(self._held)
        if room < self.options.batch // 2:
            return False  # enough at hand; a finishing message wakes the loop again
        rows, people = await self._claims.take(room)
        self.stats.looks += 1
        if rows:
            self._renewed_at = time.monotonic() if not self._held else self._renewed_at
            self._dispatch(rows, people)
        return len(rows) >= room

    async def _renew(self) -> None:
        # Only what is still in memory: a row dropped after an error is left to run out.
        await self._claims.renew(self._held)
        self._renewed_at = time.monotonic()

    def _lease_holds(self) -> bool:
        # A claim not renewed for most of its lease may be taken over by another instance.
        return time.monotonic() - self._renewed_at < self.options.lease * 0.8

    def _dispatch(self, rows: list[Delivery], people: dict[int, queries.Recipient]) -> None:
        by_chat: dict[int, list[Delivery]] = {}
        for row in rows:
            by_chat.setdefault(row.chat_id, []).append(row)
            if row.announcement_id is not None:
                self._announcements.add(row.announcement_id)
        for chat_id, chat_rows in by_chat.items():
            person_id = chat_rows[0].person_id
            recipient = people.get(person_id) if person_id is not None else None
            self._queues.setdefault(chat_id, deque()).extend(compose(chat_rows, recipient))
            self._held.update(row.id for row in chat_rows)
            if chat_id not in self._chat_tasks:
                self._chat_tasks[chat_id] = asyncio.create_task(self._serve_chat(chat_id))
        self._pacer.prune(keep=set(self._queues))

    def _release(self, messages: list[Outgoing]) -> None:
        """The rows of `messages` are settled or handed back: no longer held here."""
        low_water = self.options.batch // 2
        before = len(self._held)
        for message in messages:
            self._held.difference_update(message.ids)
        if before >= low_water > len(self._held):
            self._wakeup.set()

    # -- one chat -------------------------------------------------------------------------

    async def _serve_chat(self, chat_id: int) -> None:
        queue = self._queues[chat_id]
        try:
            while queue and not self._stopping:
                blocked = self._pacer.blocked_for(chat_id)
                if blocked:
                    outcome = Outcome(Verdict.RETRY_AFTER, retry_after=blocked)
                    await self._put_back(queue, outcome, utcnow() + timedelta(seconds=blocked))
                    break
                await self._pacer.ready(chat_id)
                if self._stopping:
                    break
                if not self._lease_holds():
                    log.warning("claims for chat %s ran out; left to the next claim", chat_id)
                    self._release(list(queue))
                    queue.clear()
                    break
                message = queue.popleft()
                attempt = asyncio.ensure_future(self._attempt(message))
                self._in_flight.add(attempt)
                attempt.add_done_callback(self._in_flight.discard)
                # Shielded: a stop() cancels this task, never a request in flight.
                outcome, retry_at = await asyncio.shield(attempt)
                if outcome.verdict in _STOPS_CHAT:
                    await self._put_back(queue, outcome, retry_at)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("delivery to chat %s failed unexpectedly", chat_id)
            await self._abandon(queue)
        finally:
            if self._chat_tasks.get(chat_id) is asyncio.current_task():
                del self._chat_tasks[chat_id]
            if not queue:
                self._queues.pop(chat_id, None)

    async def _put_back(self, queue: deque[Outgoing], outcome: Outcome, at: datetime) -> None:
        rest = list(queue)
        queue.clear()
        try:
            await self._recorder.put_back(rest, outcome, at)
        finally:
            self._release(rest)

    async def _abandon(self, queue: deque[Outgoing]) -> None:
        """After an unexpected error: hand the chat's waiting rows back, due now, if the
        database lets us; otherwise their claims simply run out."""
        with contextlib.suppress(Exception):
            await self._put_back(queue, Outcome(Verdict.TRANSIENT), utcnow())
        queue.clear()

    async def _attempt(self, message: Outgoing) -> tuple[Outcome, datetime]:
        """Send one message and record the outcome, holding a slot throughout."""
        async with self._slots:
            await self._pacer.take(message.chat_id)
            try:
                message_id = await self._sender.send(message, silent=self._quiet(message))
            except Exception as error:
                outcome = classify(error)
                if not isinstance(error, TelegramError):
                    log.exception("sending to chat %s failed", message.chat_id)
            else:
                outcome = Outcome(Verdict.SENT, message_id=message_id)
            finally:
                await self._pacer.sent(message.chat_id)  # counted at its answer (pacing.py)
            DELIVERIES.labels(outcome=outcome.verdict.value).inc()
            if outcome.verdict is Verdict.RETRY_AFTER:
                RETRY_AFTER.inc()
            try:
                result = await self._recorder.settle(message, outcome)
            finally:
                self._release([message])
        if result[0].verdict is Verdict.RETRY_AFTER:
            self._pacer.block(message.chat_id, result[0].retry_after)
        return result

    def _quiet(self, message: Outgoing) -> bool:
        recipient = message.recipient
        if recipient is None:
            return False
        local = datetime.now(self._tz).time()
        return in_quiet_hours(local, recipient.quiet_start, recipient.quiet_end)
