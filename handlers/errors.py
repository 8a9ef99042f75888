"""The error handler: log the failure and tell the user something went wrong."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n import normalize_language, t

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message and update.effective_user:
        language = normalize_language(update.effective_user.language_code)
        # Telegram itself may be the failure; the error is logged either way.
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(t(language, "errors.unexpected"))
