"""The catch-alls, registered last: whatever no other handler took.

Strangers get the polite refusal for every message and button; members get a hint to /help
for an unknown command and "no longer valid" for an unknown button. Group chatter is ignored.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.access import Caller, members_only
from bot.ui import answer_query, is_private, reply

Context = ContextTypes.DEFAULT_TYPE


@members_only
async def unknown_message(update: Update, context: Context, caller: Caller) -> None:
    if is_private(update):
        await reply(update, caller.t("fallback.unknown_command"))


@members_only
async def unknown_button(update: Update, context: Context, caller: Caller) -> None:
    await answer_query(update, caller.t("access.bad_button"), alert=True)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, unknown_message),
    CallbackQueryHandler(unknown_button),
]
