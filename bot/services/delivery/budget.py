"""The bot token's global send budget (Telegram: about 30 messages per second per token),
shared by the delivery worker's bulk sends and the bot's replies.

Replies to a member's own action go first: they may reserve a token ahead (waiting for it),
while bulk sends take one only when the replies' reserve stays untouched. So a member's
`/tagesordnung` during a broadcast to hundreds waits a fraction of a second, not minutes.

* `LocalBudget`: in the process (SQLite, one instance).
* `DatabaseBudget`: a token bucket row in PostgreSQL (storage/queries/send_budget.py), so N
  instances together stay within the one budget.

Each chat has a bucket of its own as well, shared by replies and bulk sends (and, on
PostgreSQL, by every instance): a private chat refills at one message per second, a group at
20 per minute. Telegram documents "avoid more than one message per second in a chat" and
"may allow short bursts that go over this limit"; bot/localapi enforces exactly that shape
(1/s with a burst of 3, `RateLimits.private_burst`). A strict 1/s with no burst would hold
back the second message of an ordinary answer (a text and its document, a confirmation and
the next question) by a second, so a private chat's bucket holds `PRIVATE_BURST` messages:
a conversation is answered at once, and a chat that goes on sending is held to 1/s. Replies
reserve their chat token ahead (going into debt), bulk sends take one only while the chat
keeps one free for a reply, so in one chat too a reply to the member's own action goes first.
"""

from __future__ import annotations

import asyncio
import math
import time
from abc import ABC, abstractmethod

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.queries.send_budget import (
    debit_chat_tokens,
    forget_idle_chat_buckets,
    take_chat_token,
    take_send_token,
    take_send_tokens,
)

BUCKET = "global"
PRIVATE_PER_SECOND = 1.0 / 1.05  # 1/s, stretched by 5 %: Telegram measures arrival
PRIVATE_BURST = 3  # what a short answer of a few messages needs; as Telegram's burst
GROUP_PER_SECOND = 20.0 / 63.0  # 20 per minute, stretched by 5 %
GROUP_BURST = 20
IDLE_CHAT = 120.0  # seconds after which a chat's bucket is full for certain (groups: 63 s)
CHAT_RESERVE = 1.0  # bulk sends to a chat leave one token for a reply


def chat_bucket(chat_id: int) -> tuple[float, float]:
    """A chat's refill rate (per second) and burst."""
    if chat_id < 0:
        return GROUP_PER_SECOND, float(GROUP_BURST)
    return PRIVATE_PER_SECOND, float(PRIVATE_BURST)


class SendBudget(ABC):
    """Where every message-sending request of the bot takes its token."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        # About a sixth of a second's worth at once (at least one): smooth, yet no lost rate.
        self.burst = max(2, min(int(rate), math.ceil(rate / 6)))
        self.reserve = 1.0  # a token kept free for replies: bulk needs two to take one

    async def take(self, *, reply: bool, chat_id: int | None = None) -> None:
        """Wait until one message may go out (to `chat_id`, when given: its chat's bucket
        too); `reply` for an answer to a member's action."""
        if chat_id is not None:
            while True:
                taken, wait = await self._take_chat(chat_id, reply=reply)
                if wait > 0:
                    await asyncio.sleep(wait)
                if taken:
                    break
        await self._take(reply=reply)

    @abstractmethod
    async def _take(self, *, reply: bool) -> None:
        """The token's global budget."""

    @abstractmethod
    async def _take_chat(self, chat_id: int, *, reply: bool) -> tuple[bool, float]:
        """The chat's bucket: whether a token was taken, and the seconds to wait (before
        sending when taken, else before asking again)."""


class LocalBudget(SendBudget):
    """One process: the same token bucket as `DatabaseBudget`, kept in memory.

    A reply reserves its token at once (going into debt if need be) and waits for its time;
    a bulk send takes a token only while more than the replies' reserve is left and no reply
    is waiting, so a reply overtakes every bulk send that has not gone out yet.
    """

    def __init__(self, rate: float) -> None:
        super().__init__(rate)
        self._tokens = float(self.burst)
        self._updated = time.monotonic()
        self._replies_waiting = 0
        self._chats: dict[int, tuple[float, float]] = {}  # chat id: (tokens, updated)

    async def _take_chat(self, chat_id: int, *, reply: bool) -> tuple[bool, float]:
        rate, burst = chat_bucket(chat_id)
        now = time.monotonic()
        tokens, updated = self._chats.get(chat_id, (burst, now))
        tokens = min(burst, tokens + (now - updated) * rate)
        if not reply and tokens < 1.0 + CHAT_RESERVE:
            self._chats[chat_id] = (tokens, now)
            return False, (1.0 + CHAT_RESERVE - tokens) / rate
        self._chats[chat_id] = (tokens - 1.0, now)
        if len(self._chats) > 10_000:  # forget chats whose bucket is full again
            self._chats = {
                key: (level, at)
                for key, (level, at) in self._chats.items()
                if level + (now - at) * chat_bucket(key)[0] < chat_bucket(key)[1]
            }
        return True, max(0.0, (1.0 - tokens) / rate)

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def _take(self, *, reply: bool) -> None:
        self._refill()
        if reply:
            self._tokens -= 1.0
            if self._tokens < 0:
                self._replies_waiting += 1
                try:
                    await asyncio.sleep(-self._tokens / self.rate)
                finally:
                    self._replies_waiting -= 1
            return
        while True:
            self._refill()
            need = 1.0 + self.reserve
            if not self._replies_waiting and self._tokens >= need:
                self._tokens -= 1.0
                return
            await asyncio.sleep(max(need - self._tokens, 0.25) / self.rate)


class DatabaseBudget(SendBudget):
    """Several instances: the bucket is a row in PostgreSQL. A reply takes its token with one
    statement; bulk sends fetch a few tokens per statement (up to `batch`) and use them here,
    so a high paid-broadcast rate is not held back by round trips to the database."""

    def __init__(self, rate: float, sessions: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(rate)
        self._sessions = sessions
        # A token bucket lets `refill * T + burst` through in any T seconds: with a refill of
        # rate - burst no second sees more than `rate` messages, whichever instances send
        # them (Telegram counts per second). A tenth of a second's worth at least three.
        self.burst = max(3, math.ceil(rate / 10))
        self.refill = rate - self.burst if rate > 2 * self.burst else rate
        self.batch = max(1, self.burst - 2)
        self._local = 0  # bulk tokens fetched and not used yet
        self._fetching = asyncio.Lock()
        self._chat_takes = 0
        self._debits: list[dict[str, object]] = []  # bulk sends not yet counted in their chats

    async def take(self, *, reply: bool, chat_id: int | None = None) -> None:
        if not reply:
            await self._take_bulk(chat_id)
            return
        if chat_id is None:
            await self._take(reply=True)
            return
        # A reply: the chat's token and, when the chat has one now (the usual case), the
        # global token in the same transaction.
        async with self._sessions.begin() as session:
            _, chat_wait = await self._chat_token(session, chat_id, reply=True)
            wait = await self._reply_token(session) if chat_wait <= 0 else None
        await self._after_chat_take()
        if wait is None:  # the chat sent its burst: its turn first, then the global token
            await asyncio.sleep(chat_wait)
            await self._take(reply=True)
        elif wait > 0:
            await asyncio.sleep(wait)

    async def _chat_token(
        self, session: AsyncSession, chat_id: int, *, reply: bool
    ) -> tuple[bool, float]:
        rate, burst = chat_bucket(chat_id)
        return await take_chat_token(
            session,
            bucket=f"chat:{chat_id}",
            rate=rate,
            burst=burst,
            reserve=0.0 if reply else CHAT_RESERVE,
            debt=reply,
        )

    async def _after_chat_take(self) -> None:
        self._chat_takes += 1
        if self._chat_takes % 5000 == 0:  # now and then: full (idle) chats' rows go
            async with self._sessions.begin() as session:
                await forget_idle_chat_buckets(session, idle=IDLE_CHAT)

    async def _take_chat(self, chat_id: int, *, reply: bool) -> tuple[bool, float]:
        async with self._sessions.begin() as session:
            taken = await self._chat_token(session, chat_id, reply=reply)
        await self._after_chat_take()
        return taken

    async def _reply_token(self, session: AsyncSession) -> float:
        return await take_send_token(
            session, bucket=BUCKET, rate=self.refill, burst=self.burst, reserve=0.0, debt=True
        )

    async def _take(self, *, reply: bool) -> None:
        if reply:
            async with self._sessions.begin() as session:
                wait = await self._reply_token(session)
            if wait > 0:  # the token is reserved: wait for its time, then send
                await asyncio.sleep(wait)
            return
        await self._take_bulk(None)

    async def _take_bulk(self, chat_id: int | None) -> None:
        """A bulk send: the chat's token (keeping one for a reply) and a global token, in the
        transaction that fetches global tokens anyway. At Telegram's free 30/s that is one
        transaction per message, as before the chat buckets; at a paid rate the tokens are
        fetched in batches, and the sends made from a batch are counted against their chats
        with the next fetch (a reply sees them a moment late; the worker's own 1/s per chat
        under the claim lock still holds), so bulk speed is not bound to one round trip per
        message."""
        chat_done = chat_id is None
        while True:
            if self._local > 0:
                self._local -= 1
                if not chat_done:
                    self._debits.append(_debit(chat_id))
                return
            wait, got = 0.0, False
            async with self._fetching:
                if self._local > 0:
                    continue
                async with self._sessions.begin() as session:
                    await debit_chat_tokens(session, debits=self._debits)
                    self._debits = []
                    if not chat_done and chat_id is not None:
                        chat_done, wait = await self._chat_token(session, chat_id, reply=False)
                    if chat_done:
                        taken, wait = await take_send_tokens(
                            session,
                            bucket=BUCKET,
                            rate=self.refill,
                            burst=self.burst,
                            reserve=self.reserve,
                            count=self.batch,
                        )
                        if taken:
                            self._local += taken - 1
                            got = True
                if got:
                    await self._after_chat_take()
                    return
            await asyncio.sleep(max(wait, 0.0))


def _debit(chat_id: int | None) -> dict[str, object]:
    assert chat_id is not None
    rate, burst = chat_bucket(chat_id)
    return {"bucket": f"chat:{chat_id}", "rate": rate, "burst": burst}


def send_budget_for(rate: float, sessions: async_sessionmaker[AsyncSession]) -> SendBudget:
    """The database's budget on PostgreSQL (several instances), else the process's."""
    bind = sessions.kw.get("bind")
    dialect = getattr(getattr(bind, "dialect", None), "name", "")
    return DatabaseBudget(rate, sessions) if dialect == "postgresql" else LocalBudget(rate)
