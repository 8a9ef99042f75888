"""/suche BEGRIFF: proposals and agenda items whose reference, title or text match, paged."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.errors import UserError
from bot.i18n import format_short
from bot.ui import PRIVATE, Button, answer_query, parse_callback, reply
from bot.views.council import search_hit
from bot.views.text import MAX_CALLBACK_BYTES
from storage.models import Paper
from storage.queries.council import search

Context = ContextTypes.DEFAULT_TYPE
PAGE_SIZE = 8
PREFIX = "srch:"
PAGE_BUTTON = re.compile(r"srch:(\d{1,5}):(.+)", re.DOTALL)
# The search text travels in the paging buttons' callback data (at most 64 bytes in all), so
# paging survives a restart of the bot; "srch:99999:" leaves 53 bytes for the text.
MAX_TEXT_BYTES = MAX_CALLBACK_BYTES - len("srch:99999:")


async def _results(update: Update, caller: Caller, text: str, offset: int, *, edit: bool) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        page = await search(session, text=text, limit=PAGE_SIZE, offset=offset)
    if not page.items:
        await reply(update, caller.t("search.nothing", text=text), edit=edit)
        return
    lines = [
        caller.t(
            "search.header",
            text=text,
            first=offset + 1,
            last=offset + len(page.items),
            total=page.total,
        )
    ]
    lines += [search_hit(hit, caller.language, runtime.tz) for hit in page.items]
    rows: list[list[Button]] = []
    for hit in page.items:
        if isinstance(hit, Paper):
            rows.append(
                [
                    (
                        caller.t("meetings.paper_button", reference=hit.reference),
                        f"pap:id:{hit.id}",
                    )
                ]
            )
        else:
            when = format_short(hit.meeting.start, caller.language, runtime.tz)
            label = caller.t("search.item_button", number=hit.number, when=when)
            rows.append([(label, f"mtg:show:{hit.meeting_id}")])
    navigation: list[Button] = []
    if page.has_previous:
        navigation.append(
            (caller.t("meetings.earlier"), f"{PREFIX}{max(0, offset - PAGE_SIZE)}:{text}")
        )
    if page.has_more:
        navigation.append((caller.t("meetings.later"), f"{PREFIX}{offset + PAGE_SIZE}:{text}"))
    rows.append(navigation)
    await reply(update, "\n\n".join(lines), rows, edit=edit)


@members_only
async def search_command(update: Update, context: Context, caller: Caller) -> None:
    text = " ".join(context.args or []).strip()
    if not text:
        raise UserError("search.usage")
    if len(text.encode()) > MAX_TEXT_BYTES:
        raise UserError("search.too_long", limit=MAX_TEXT_BYTES)
    await _results(update, caller, text, 0, edit=False)


@members_only
async def turn_page(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, PAGE_BUTTON)
    await answer_query(update)
    await _results(update, caller, match.group(2), int(match.group(1)), edit=True)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("suche", search_command, filters=PRIVATE),
    CallbackQueryHandler(turn_page, pattern=r"^srch:"),
]
