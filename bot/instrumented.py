"""The Application class of the bot: python-telegram-bot's, with metrics of every update
(kind, handler latency; bot/metrics.py)."""

from __future__ import annotations

import time
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.metrics import HANDLER_SECONDS, UPDATES

# The update fields that say what kind of update it is, most common first.
_KINDS = (
    "message",
    "callback_query",
    "edited_message",
    "my_chat_member",
    "chat_member",
    "inline_query",
    "channel_post",
    "edited_channel_post",
    "poll_answer",
    "chat_join_request",
    "message_reaction",
)


def update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return type(update).__name__.lower()
    return next((kind for kind in _KINDS if getattr(update, kind, None) is not None), "other")


class InstrumentedApplication(Application[Any, Any, Any, Any, Any, Any]):
    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            UPDATES.labels(kind=update_kind(update)).inc()
            HANDLER_SECONDS.observe(time.perf_counter() - started)
