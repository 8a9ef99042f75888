"""Pacing of sends: Telegram's global and per-chat flood limits, and RetryAfter per chat.

* Global: `rate` messages per second (30 by default; up to 1000 with paid broadcasts), an
  aiolimiter leaky bucket with a small burst, so a momentary bunching of requests on the way
  never exceeds what Telegram's bucket still holds.
* Private chat (positive id): one message per second. Group (negative id): 20 per minute.
  Both get a small safety margin, because Telegram measures arrival, not departure.
* RetryAfter: the chat that got it waits; every other chat goes on.

A chat's limiter counts a send once it has been answered (`sent`), and the chat task waits
*before* taking a slot until its chat has capacity again (`ready`). So a send follows the
previous send to the same chat by at least the interval, measured from the previous one's
answer: later than its arrival, whatever held it up on the way (a busy event loop can hold a
request back and let the next go at once, and Telegram measures arrival). A chat waiting for
its turn blocks no one else.
"""

from __future__ import annotations

import asyncio
import math
import time

from aiolimiter import AsyncLimiter

from bot.services.delivery.budget import SendBudget

MARGIN = 1.05  # per-chat intervals are stretched by 5 %


class Pacer:
    def __init__(
        self,
        *,
        rate: float,
        private_per_second: float = 1.0,
        group_per_minute: float = 20.0,
        budget: SendBudget | None = None,
    ) -> None:
        # About a sixth of a second's worth at once (at least one): smooth, yet no lost rate.
        burst = max(1, min(int(rate), math.ceil(rate / 6)))
        self._global = AsyncLimiter(burst, burst / rate)
        # The token's budget shared with the replies (and, on PostgreSQL, other instances).
        self._budget = budget
        self._private_period = MARGIN / private_per_second
        self._group = (group_per_minute, 60.0 * MARGIN)
        self._chats: dict[int, AsyncLimiter] = {}
        self._blocked: dict[int, float] = {}

    def _chat(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            if chat_id < 0:
                limiter = AsyncLimiter(self._group[0], self._group[1])
            else:
                limiter = AsyncLimiter(1, self._private_period)
            self._chats[chat_id] = limiter
        return limiter

    async def ready(self, chat_id: int) -> None:
        """Wait until the chat may take another message (without taking it)."""
        limiter = self._chat(chat_id)
        step = limiter.time_period / limiter.max_rate / 10
        # aiolimiter can wait and take, not just wait; a short poll costs nothing here.
        while not limiter.has_capacity():  # noqa: ASYNC110
            await asyncio.sleep(step)

    async def take(self, chat_id: int) -> None:
        """Take the global token; call right before sending (after `ready`)."""
        if self._budget is not None:
            # The chat's bucket there too: it is shared with the replies to that chat.
            await self._budget.take(reply=False, chat_id=chat_id)
        else:
            await self._global.acquire()

    async def sent(self, chat_id: int) -> None:
        """Count a send to the chat once it has been answered (or failed), which is no earlier
        than it arrived. One send per chat is in flight at a time, and `ready` let it go, so
        the chat has room for it."""
        await self._chat(chat_id).acquire()

    def block(self, chat_id: int, seconds: float) -> None:
        self._blocked[chat_id] = time.monotonic() + seconds

    def blocked_for(self, chat_id: int) -> float:
        """Seconds the chat still has to wait after a RetryAfter (0 when free)."""
        until = self._blocked.get(chat_id)
        if until is None:
            return 0.0
        left = until - time.monotonic()
        if left <= 0:
            del self._blocked[chat_id]
            return 0.0
        return left

    def prune(self, keep: set[int]) -> None:
        """Forget idle chats (full capacity again), so memory stays small across broadcasts."""
        if len(self._chats) < 1000:
            return
        for chat_id, limiter in list(self._chats.items()):
            if chat_id not in keep and limiter.has_capacity(limiter.max_rate):
                del self._chats[chat_id]
