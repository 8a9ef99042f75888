"""The rate limiter of the bot's own replies (python-telegram-bot's BaseRateLimiter).

Every message-sending request takes its token from the shared send budget
(bot/services/delivery/budget.py) as a reply, so replies and the delivery worker's bulk sends
stay within one budget together, replies first. A flood-control answer (RetryAfter) is
counted, waited out and retried a few times; unlike AIORateLimiter it pauses only this
request, not all of them.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.metrics import RETRY_AFTER
from bot.services.delivery.budget import SendBudget

MAX_RETRIES = 3
GROUP_PER_MINUTE = 20


def is_send_method(endpoint: str) -> bool:
    """Whether a Bot API method sends a message (and so counts against the budget)."""
    name = endpoint.lower()
    if name == "sendchataction":
        return False
    return name.startswith(("send", "copymessage", "forwardmessage"))


class BudgetRateLimiter(BaseRateLimiter[int]):
    def __init__(self, budget: SendBudget, max_retries: int = MAX_RETRIES) -> None:
        self.budget = budget
        self.max_retries = max_retries
        # Telegram's 20 messages per minute per group, for the replies in a group chat.
        self._groups: dict[int, AsyncLimiter] = {}

    def _group(self, data: dict[str, Any]) -> AsyncLimiter | None:
        chat_id = data.get("chat_id")
        if not isinstance(chat_id, int) or chat_id >= 0:
            return None
        limiter = self._groups.get(chat_id)
        if limiter is None:
            limiter = self._groups[chat_id] = AsyncLimiter(GROUP_PER_MINUTE, 60)
        return limiter

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        sends = is_send_method(endpoint)
        group = self._group(data) if sends else None
        for attempt in range(self.max_retries + 1):
            if group is not None:
                await group.acquire()
            if sends:
                await self.budget.take(reply=True)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                RETRY_AFTER.inc()
                if attempt >= self.max_retries:
                    raise
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", PTBDeprecationWarning)
                    value = error.retry_after
                seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
                await asyncio.sleep(seconds + 0.1)
        raise AssertionError("unreachable")
