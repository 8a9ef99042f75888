"""Who is asking: resolves the Telegram user to a current member and guards handlers.

`members_only` and `admins_only` wrap a handler callback. The wrapped callback receives a
`Caller` as third argument. Anyone who is not a current member gets the polite refusal
(and learns nothing about the group); a member asking for an administrator action gets a
clear "not allowed". Services check rights again: the guard is the first line, not the only.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.errors import UserError
from bot.i18n import normalize_language, t
from bot.runtime import Runtime, get_runtime
from bot.views.text import visible_text
from storage.models import Person
from storage.queries.members import member_by_telegram_id

Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True)
class Caller:
    """The member behind an update, with the language to answer in."""

    person: Person
    language: str
    runtime: Runtime

    @property
    def is_admin(self) -> bool:
        return self.person.is_admin

    def t(self, key: str, /, **values: object) -> str:
        return t(self.language, key, **values)


def language_of(person: Person | None, telegram_code: str | None, default: str) -> str:
    """The member's own choice first, then Telegram's language, then the configured default."""
    if person is not None and person.language:
        return person.language
    return normalize_language(telegram_code, default)


async def resolve_caller(update: Update, runtime: Runtime) -> Caller | None:
    user = update.effective_user
    if user is None:
        return None
    async with runtime.sessions() as session:
        person = await member_by_telegram_id(
            session,
            telegram_user_id=user.id,
            group_key=runtime.settings.group_key,
            today=runtime.today(),
        )
    if person is None:
        return None
    return Caller(
        person=person,
        language=language_of(person, user.language_code, runtime.settings.language),
        runtime=runtime,
    )


# Telegram shows at most 200 characters in a callback query's alert.
ALERT_LIMIT = 200


async def refuse(update: Update, text: str) -> None:
    """Answer a message or a button press with `text` (always answering the callback query)."""
    if update.callback_query is not None:
        alert = visible_text(text)
        if len(alert) > ALERT_LIMIT:
            alert = alert[: ALERT_LIMIT - 1] + "…"
        try:
            await update.callback_query.answer(alert, show_alert=True)
            return
        except BadRequest:
            # The handler had answered the press already (a press is answered only once),
            # so the refusal goes to the chat instead.
            pass
    if update.effective_chat is not None:
        await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML)


async def refuse_stranger(update: Update, runtime: Runtime) -> None:
    """The polite refusal; in a group, strangers' messages are simply ignored."""
    chat = update.effective_chat
    if update.callback_query is None and chat is not None and chat.type != ChatType.PRIVATE:
        return
    user = update.effective_user
    language = normalize_language(user.language_code if user else None, runtime.settings.language)
    key = "access.stranger_button" if update.callback_query is not None else "start.stranger"
    await refuse(update, t(language, key))


R = TypeVar("R")
GuardedCallback = Callable[[Update, Context, Caller], Awaitable[R]]
Callback = Callable[[Update, Context], Coroutine[Any, Any, R | None]]


def members_only(callback: GuardedCallback[R]) -> Callback[R]:
    """Run `callback` for current members only.

    Returns the callback's result, or None when refused or when a service raised a
    UserError (shown to the user). In a ConversationHandler None means: stay in this state.
    """
    return _guard(callback, admin=False)


def admins_only(callback: GuardedCallback[R]) -> Callback[R]:
    """Like `members_only`, and the member must be an administrator."""
    return _guard(callback, admin=True)


def _guard(callback: GuardedCallback[R], *, admin: bool) -> Callback[R]:
    @functools.wraps(callback)
    async def guarded(update: Update, context: Context) -> R | None:
        runtime = get_runtime(context)
        caller = await resolve_caller(update, runtime)
        if caller is None:
            await refuse_stranger(update, runtime)
            return None
        if admin and not caller.is_admin:
            await refuse(update, caller.t("access.admin_only"))
            return None
        try:
            return await callback(update, context, caller)
        except UserError as error:
            await refuse(update, error.render(caller.language))
            return None

    return guarded
