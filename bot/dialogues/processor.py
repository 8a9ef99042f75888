"""Chats in parallel, each chat in order: python-telegram-bot's hook for running updates.

python-telegram-bot hands every update to `do_process_update` in arrival order (one task per
update). Updates of different chats run concurrently, at most `concurrency` at a time; the
updates of one chat (in a private chat that is also one user's button presses) run strictly one
after the other, in arrival order: each waits for its predecessor in the same chat before it
takes one of the `concurrency` slots, so a busy chat never holds slots other chats need.

Around each update the chat's dialogue is loaded from the database and written back
(bot/dialogues/memory.py); on PostgreSQL that transaction also holds the chat's advisory lock,
so with several instances one chat's updates are serialised across all of them. A dialogue
found expired is removed and the update gets one short note that nothing was saved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor

from bot.access import resolve_caller
from bot.dialogues.memory import HANDLING, DialogueMemory
from bot.i18n import t
from bot.runtime import BotApplication, Runtime

log = logging.getLogger(__name__)

# python-telegram-bot's own bound counts updates waiting for their chat's turn too; it only
# guards against an unbounded backlog. The real bound on work in flight is `concurrency`.
QUEUE_BOUND = 100_000


def order_key(update: object) -> int | None:
    """What must be handled in order: the chat, or the user where there is no chat."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


def dialogue_key(update: object) -> tuple[int, int] | None:
    if not isinstance(update, Update):
        return None
    chat, user = update.effective_chat, update.effective_user
    return (chat.id, user.id) if chat is not None and user is not None else None


class ChatOrderedProcessor(BaseUpdateProcessor):
    def __init__(self, runtime: Runtime, *, concurrency: int) -> None:
        super().__init__(max_concurrent_updates=QUEUE_BOUND)
        self.runtime = runtime
        self.concurrency = concurrency
        self.application: BotApplication | None = None  # set by bot/app.py once built
        self._slots = asyncio.Semaphore(concurrency)
        self._tails: dict[int, asyncio.Future[None]] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        # Registered before the first await: the order of registration is the arrival order.
        previous = self._tails.get(key)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[key] = done
        try:
            if previous is not None:
                await previous
            async with self._slots:
                await self._handle(update, coroutine)
        finally:
            done.set_result(None)
            if self._tails.get(key) is done:
                del self._tails[key]

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = dialogue_key(update)
        if key is None:
            await coroutine
            return
        memory = self.runtime.dialogues
        awaited = False
        try:
            async with memory.handling(key, now=self.runtime.now()) as slot:
                if slot.expired is not None:
                    assert isinstance(update, Update)
                    await self._expired(update)
                    if not _is_command(update):
                        return
                awaited = True
                token = HANDLING.set(key)
                try:
                    await coroutine
                finally:
                    HANDLING.reset(token)
        finally:
            if not awaited:
                _discard(coroutine)  # not handled (expired step, or the database failed)

    async def _expired(self, update: Update) -> None:
        """One short note that the dialogue ran out and nothing was saved."""
        caller = await resolve_caller(update, self.runtime)
        language = caller.language if caller else self.runtime.settings.language
        application = self.application
        chat = update.effective_chat
        if application is None or chat is None:
            return
        try:
            if update.callback_query is not None:
                await update.callback_query.answer()
            await application.bot.send_message(
                chat.id, t(language, "dialogues.expired"), parse_mode=ParseMode.HTML
            )
        except TelegramError:
            log.warning("could not send the dialogue timeout note", exc_info=True)


def _is_command(update: Update) -> bool:
    message = update.message
    return message is not None and (message.text or "").startswith("/")


def _discard(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()  # never awaited on purpose: the expired dialogue's step is not handled


class SavingRateLimiter(BaseRateLimiter[Any]):
    """Every Bot API request of the application passes here: before one is sent while an
    update is handled, the chat's changed dialogue is stored (DialogueMemory.save_early), so
    the state is written before the bot answers the update that changed it. Then `inner`
    (AIORateLimiter) paces the request."""

    def __init__(self, inner: BaseRateLimiter[Any], memory: DialogueMemory) -> None:
        self.inner = inner
        self.memory = memory

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        await self.memory.save_early()
        return await self.inner.process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )
