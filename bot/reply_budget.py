"""The rate limiter of the bot's own replies (python-telegram-bot's BaseRateLimiter).

Every message-sending request takes its token from the shared send budget
(bot/services/delivery/budget.py) as a reply, so replies and the delivery worker's bulk sends
stay within one budget together, replies first; the chat's own bucket (1/s with a short
burst in a private chat, 20/min in a group, see budget.py) is shared with the bulk sends to
that chat and, on PostgreSQL, with every instance. A flood-control answer (RetryAfter) is
counted, waited out and retried a few times; unlike AIORateLimiter it pauses only this
request, not all of them.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.metrics import RETRY_AFTER
from bot.services.delivery.budget import SendBudget

MAX_RETRIES = 3


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
        chat_id = data.get("chat_id")
        chat = chat_id if isinstance(chat_id, int) else None  # not an @username
        for attempt in range(self.max_retries + 1):
            if sends:
                await self.budget.take(reply=True, chat_id=chat)
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
