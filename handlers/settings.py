"""/einstellungen: which notices a member wants, reminder lead times, quiet hours.

One message that is edited in place as the member presses its buttons (`set:…`).
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.services.preferences import set_notices, set_quiet_hours, set_reminder_lead
from bot.ui import PRIVATE, answer_query, parse_callback, reply
from bot.views.preferences import KIND_CODES, Screen, leads_screen, main_screen, quiet_screen
from storage.models import Person

Context = ContextTypes.DEFAULT_TYPE
KINDS = {code: kind for kind, code in KIND_CODES.items()}
SETTING_BUTTON = re.compile(
    r"set:(?:(?P<kind>pap|mtg|rem):(?P<on>[01])"
    r"|lead:(?P<lead>-?\d{1,5}):(?P<lead_on>[01])"
    r"|quiet:(?P<quiet>[a-z0-9-]{1,8})"
    r"|(?P<screen>main|leads|quiet))"
)


@members_only
async def show_settings(update: Update, context: Context, caller: Caller) -> None:
    text, rows = main_screen(caller.person, caller.language)
    await reply(update, text, rows)


@members_only
async def pressed(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, SETTING_BUTTON)
    person: Person = caller.person
    screen = main_screen
    if match["screen"]:
        screen = {"main": main_screen, "leads": leads_screen, "quiet": quiet_screen}[
            match["screen"]
        ]
    else:
        async with caller.runtime.sessions.begin() as session:
            if match["kind"]:
                person = await set_notices(
                    session, person=person, kind=KINDS[match["kind"]], enabled=match["on"] == "1"
                )
            elif match["lead"]:
                person = await set_reminder_lead(
                    session, person=person, lead=int(match["lead"]), enabled=match["lead_on"] == "1"
                )
                screen = leads_screen
            else:
                person = await set_quiet_hours(session, person=person, preset=match["quiet"])
                screen = quiet_screen
    await answer_query(update)
    await _show(update, screen(person, caller.language))


async def _show(update: Update, screen: Screen) -> None:
    text, rows = screen
    await reply(update, text, rows, edit=True)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("einstellungen", show_settings, filters=PRIVATE),
    CallbackQueryHandler(pressed, pattern=r"^set:"),
]
