"""/help: the commands the asking member may use; a short explanation for anyone else."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.access import resolve_caller
from bot.commands import help_text
from bot.i18n import normalize_language, t
from bot.runtime import get_runtime
from bot.ui import is_private, reply


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = get_runtime(context)
    caller = await resolve_caller(update, runtime)
    if caller is None:
        if not is_private(update):
            return  # in groups the bot answers members only
        user = update.effective_user
        language = normalize_language(user.language_code if user else None)
        await reply(update, t(language, "help.stranger"))
        return
    await reply(update, help_text(caller.language, admin=caller.is_admin))


HANDLERS: list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]] = [
    CommandHandler("help", help_command),
]
