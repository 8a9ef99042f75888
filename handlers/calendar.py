"""/kalender and /kalender_neu: the member's feed links; the "📅 In den Kalender" button."""

from __future__ import annotations

import io
import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.access import Caller, members_only
from bot.errors import UserError
from bot.services.calendar import (
    issue_calendar_secret,
    meeting_ics,
    personal_feed_urls,
    public_feed_url,
)
from bot.ui import answer_query, is_private, parse_callback, reply

Context = ContextTypes.DEFAULT_TYPE
EVENT_BUTTON = re.compile(r"cal:ics:(\d{1,12})")
ROTATE_BUTTON = re.compile(r"cal:rotate:(yes|no)")


async def _send_links(update: Update, caller: Caller, *, rotate: bool) -> None:
    runtime = caller.runtime
    settings = runtime.settings
    secret: str | None = None
    async with runtime.sessions.begin() as session:
        if rotate or caller.person.calendar_secret_hash is None:
            secret = await issue_calendar_secret(session, person=caller.person)
    if rotate:
        await reply(update, caller.t("subscribe.rotated"))
    if secret is not None:
        url, webcal = personal_feed_urls(settings, secret)
        await reply(update, caller.t("subscribe.personal", url=url, webcal=webcal))
    else:
        await reply(update, caller.t("subscribe.personal_exists"))
    await reply(update, caller.t("subscribe.public", url=public_feed_url(settings)))
    await reply(update, caller.t("subscribe.howto"))


@members_only
async def calendar_links(update: Update, context: Context, caller: Caller) -> None:
    await _send_links(update, caller, rotate=False)


@members_only
async def rotate_link(update: Update, context: Context, caller: Caller) -> None:
    """/kalender_neu asks first: every calendar subscribed with the old link stops updating."""
    await reply(
        update,
        caller.t("subscribe.rotate_confirm"),
        [
            [
                (caller.t("subscribe.rotate_yes"), "cal:rotate:yes"),
                (caller.t("subscribe.rotate_no"), "cal:rotate:no"),
            ]
        ],
    )


@members_only
async def rotate_confirmed(update: Update, context: Context, caller: Caller) -> None:
    choice = parse_callback(update, ROTATE_BUTTON).group(1)
    await answer_query(update)
    if choice == "no":
        await reply(update, caller.t("subscribe.rotate_kept"), edit=True)
        return
    await reply(update, caller.t("subscribe.rotate_done"), edit=True)
    await _send_links(update, caller, rotate=True)


@members_only
async def single_event(update: Update, context: Context, caller: Caller) -> None:
    meeting_id = int(parse_callback(update, EVENT_BUTTON).group(1))
    if not is_private(update):  # a look-up never answers into a group
        raise UserError("access.lookup_private_only")
    runtime = caller.runtime
    async with runtime.sessions() as session:
        ics = await meeting_ics(
            session,
            settings=runtime.settings,
            meeting_id=meeting_id,
            language=caller.language,
            bot_username=context.bot.username,
        )
    if ics is None:
        raise UserError("meetings.not_found")
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        io.BytesIO(ics),
        filename=f"termin-{meeting_id}.ics",
        caption=caller.t("subscribe.event_caption"),
    )
    await answer_query(update)


private = filters.ChatType.PRIVATE  # links are personal: never in a group

HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("kalender", calendar_links, filters=private),
    CommandHandler("kalender_neu", rotate_link, filters=private),
    CallbackQueryHandler(single_event, pattern=r"^cal:ics:"),
    CallbackQueryHandler(rotate_confirmed, pattern=r"^cal:rotate:"),
]
