"""/sprache: the member chooses German or English for everything the bot says to them."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.i18n import t
from bot.menus import publish_personal_menu
from bot.services.preferences import set_language
from bot.ui import PRIVATE, answer_query, parse_callback, reply

Context = ContextTypes.DEFAULT_TYPE
LANGUAGE_BUTTON = re.compile(r"lang:(de|en)")


@members_only
async def choose(update: Update, context: Context, caller: Caller) -> None:
    rows = [[("🇩🇪 Deutsch", "lang:de"), ("🇬🇧 English", "lang:en")]]
    await reply(update, caller.t("language.ask"), rows)


@members_only
async def chosen(update: Update, context: Context, caller: Caller) -> None:
    language = parse_callback(update, LANGUAGE_BUTTON).group(1)
    async with caller.runtime.sessions.begin() as session:
        person = await set_language(session, person=caller.person, language=language)
    await answer_query(update)
    await reply(update, t(language, "language.set"), edit=True)
    await publish_personal_menu(context.bot, person, language)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("sprache", choose, filters=PRIVATE),
    CallbackQueryHandler(chosen, pattern=r"^lang:"),
]
