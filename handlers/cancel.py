"""/abbrechen when no dialogue runs: say so, instead of "not understood".

A running dialogue takes /abbrechen itself (its fallback), so this one only sees it when the
chat is in no dialogue.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot.access import Caller, members_only
from bot.ui import reply

Context = ContextTypes.DEFAULT_TYPE


@members_only
async def nothing_to_cancel(update: Update, context: Context, caller: Caller) -> None:
    await reply(update, caller.t("dialogues.nothing_to_cancel"))


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("abbrechen", nothing_to_cancel, filters=filters.ChatType.PRIVATE),
]
