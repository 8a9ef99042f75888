"""/start: redeems an invitation deep link, greets members, politely refuses everyone else."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.access import Caller, language_of, members_only, refuse_stranger, resolve_caller
from bot.commands import help_text
from bot.errors import UserError
from bot.i18n import t
from bot.menus import publish_personal_menu
from bot.runtime import get_runtime
from bot.screens import show_meeting, show_public_meeting
from bot.services.invites import redeem_invite
from bot.ui import is_private, reply

MEETING_LINK = re.compile(r"m(\d{1,12})")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = get_runtime(context)
    user = update.effective_user
    if user is None or not is_private(update):
        return
    payload = context.args[0] if context.args else None
    caller = await resolve_caller(update, runtime)
    meeting_link = MEETING_LINK.fullmatch(payload or "")
    if meeting_link and caller is None:
        # A citizen following a public calendar event: the public facts, nothing else.
        language = language_of(None, user.language_code, runtime.settings.language)
        meeting_id = int(meeting_link.group(1))
        if not await show_public_meeting(update, runtime, language, meeting_id):
            await refuse_stranger(update, runtime)
        return
    if payload and caller is None:
        await _redeem(update, context, payload)
        return
    if caller is None:
        await refuse_stranger(update, runtime)
        return
    if meeting_link:
        await open_meeting_link(update, context)
        return
    await reply(update, caller.t("welcome.back", name=caller.person.name))


@members_only
async def open_meeting_link(
    update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller
) -> None:
    """A deep link from a calendar event: `?start=m<meeting id>`."""
    payload = context.args[0] if context.args else ""
    await show_meeting(update, caller, int(payload[1:]))


async def _redeem(update: Update, context: ContextTypes.DEFAULT_TYPE, token: str) -> None:
    runtime = get_runtime(context)
    user = update.effective_user
    assert user is not None
    fallback_language = language_of(None, user.language_code, runtime.settings.language)
    try:
        async with runtime.sessions.begin() as session:
            person = await redeem_invite(
                session,
                token=token,
                telegram_user_id=user.id,
                telegram_username=user.username,
                telegram_language=user.language_code,
                now=runtime.now(),
                settings=runtime.settings,
            )
    except UserError as error:
        await reply(update, error.render(fallback_language))
        return
    language = language_of(person, user.language_code, runtime.settings.language)
    await reply(update, t(language, "welcome.new", name=person.name))
    await reply(update, help_text(language, admin=person.is_admin))
    await publish_personal_menu(context.bot, person, language)


HANDLERS: list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]] = [
    CommandHandler("start", start),
]
