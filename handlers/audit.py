"""/verlauf (alias /audit): administrators read the latest entries of the Änderungsverlauf,
in their own language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot.access import Caller, admins_only
from bot.services.audit_history import audit_history
from bot.ui import reply
from bot.views.audit import history_text
from bot.views.text import split_blocks

Context = ContextTypes.DEFAULT_TYPE
SHOWN_ENTRIES = 20


@admins_only
async def show_history(update: Update, context: Context, caller: Caller) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        history = await audit_history(session, limit=SHOWN_ENTRIES)
    for text in split_blocks(history_text(history, caller.language, runtime.tz), sep="\n"):
        await reply(update, text)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler(["verlauf", "audit"], show_history, filters=filters.ChatType.PRIVATE),
]
