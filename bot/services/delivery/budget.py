"""The bot token's global send budget (Telegram: about 30 messages per second per token),
shared by the delivery worker's bulk sends and the bot's replies.

Replies to a member's own action go first: they may reserve a token ahead (waiting for it),
while bulk sends take one only when the replies' reserve stays untouched. So a member's
`/tagesordnung` during a broadcast to hundreds waits a fraction of a second, not minutes.

* `LocalBudget`: in the process (SQLite, one instance).
* `DatabaseBudget`: a token bucket row in PostgreSQL (storage/queries/send_budget.py), so N
  instances together stay within the one budget.
"""

from __future__ import annotations

import asyncio
import math
import time
from abc import ABC, abstractmethod

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.queries.send_budget import take_send_token, take_send_tokens

BUCKET = "global"


class SendBudget(ABC):
    """Where every message-sending request of the bot takes its token."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        # About a sixth of a second's worth at once (at least one): smooth, yet no lost rate.
        self.burst = max(2, min(int(rate), math.ceil(rate / 6)))
        self.reserve = 1.0  # a token kept free for replies: bulk needs two to take one

    @abstractmethod
    async def take(self, *, reply: bool) -> None:
        """Wait until one message may go out; `reply` for an answer to a member's action."""


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

    def _refill(self) -> None:
        now = time.monotonic()
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def take(self, *, reply: bool) -> None:
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

    async def take(self, *, reply: bool) -> None:
        if reply:
            async with self._sessions.begin() as session:
                wait = await take_send_token(
                    session,
                    bucket=BUCKET,
                    rate=self.refill,
                    burst=self.burst,
                    reserve=0.0,
                    debt=True,
                )
            if wait > 0:  # the token is reserved: wait for its time, then send
                await asyncio.sleep(wait)
            return
        while True:
            if self._local > 0:
                self._local -= 1
                return
            async with self._fetching:
                if self._local > 0:
                    continue
                async with self._sessions.begin() as session:
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
                    return
            await asyncio.sleep(wait)


def send_budget_for(rate: float, sessions: async_sessionmaker[AsyncSession]) -> SendBudget:
    """The database's budget on PostgreSQL (several instances), else the process's."""
    bind = sessions.kw.get("bind")
    dialect = getattr(getattr(bind, "dialect", None), "name", "")
    return DatabaseBudget(rate, sessions) if dialect == "postgresql" else LocalBudget(rate)
