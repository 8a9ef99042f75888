"""/start: greets members; tells anyone else politely that the bot needs an invitation."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.i18n import normalize_language, t
from bot.runtime import get_runtime


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    language = normalize_language(user.language_code, get_runtime(context).settings.language)
    await message.reply_text(t(language, "start.stranger"), parse_mode=ParseMode.HTML)


HANDLERS: list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]] = [
    CommandHandler("start", start),
]
