"""/suche BEGRIFF …: Vorlagen, meetings and agenda items that contain every word, paged.

Up to 200 characters. The paging buttons carry the search text when it fits into the callback
data (64 bytes); otherwise the text is read back from the results message they belong to (its
first line is the search text), so paging needs no memory and survives a restart.
"""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.errors import UserError
from bot.i18n import format_short
from bot.ui import PRIVATE, Button, answer_query, parse_callback, reply
from bot.views.council import search_hit
from bot.views.text import MAX_CALLBACK_BYTES
from storage.models import AgendaItem, Meeting, Paper
from storage.queries.search import search

Context = ContextTypes.DEFAULT_TYPE
PAGE_SIZE = 8
PREFIX = "srch:"
PAGE_BUTTON = re.compile(r"srch:(\d{1,5}):(.*)", re.DOTALL)
MAX_TEXT = 200  # characters of a search
HEADER_MARK = "🔎 "  # the results message starts with this and the search text
MAX_TEXT_BYTES = MAX_CALLBACK_BYTES - len("srch:99999:")


def _page_button(offset: int, text: str) -> str:
    carried = text if len(text.encode()) <= MAX_TEXT_BYTES else ""
    return f"{PREFIX}{offset}:{carried}"


def _hit_button(hit: Paper | Meeting | AgendaItem, caller: Caller) -> Button:
    tz = caller.runtime.tz
    if isinstance(hit, Paper):
        return (caller.t("meetings.paper_button", reference=hit.reference), f"pap:id:{hit.id}")
    if isinstance(hit, Meeting):
        when = format_short(hit.start, caller.language, tz)
        return (caller.t("meetings.open", when=when), f"mtg:show:{hit.id}")
    when = format_short(hit.meeting.start, caller.language, tz)
    label = caller.t("search.item_button", number=hit.number, when=when)
    return (label, f"mtg:show:{hit.meeting_id}")


async def _results(update: Update, caller: Caller, text: str, offset: int, *, edit: bool) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        page = await search(session, text=text, limit=PAGE_SIZE, offset=offset)
    if not page.items:
        await reply(update, caller.t("search.nothing", text=text), edit=edit)
        return
    lines = [
        caller.t(
            "search.results",
            text=text,
            first=offset + 1,
            last=offset + len(page.items),
            total=page.total,
        )
    ]
    lines += [search_hit(hit, caller.language, runtime.tz) for hit in page.items]
    rows: list[list[Button]] = [[_hit_button(hit, caller)] for hit in page.items]
    navigation: list[Button] = []
    if page.has_previous:
        navigation.append(
            (caller.t("meetings.earlier"), _page_button(max(0, offset - PAGE_SIZE), text))
        )
    if page.has_more:
        navigation.append((caller.t("meetings.later"), _page_button(offset + PAGE_SIZE, text)))
    rows.append(navigation)
    await reply(update, "\n\n".join(lines), rows, edit=edit)


@members_only
async def search_command(update: Update, context: Context, caller: Caller) -> None:
    text = " ".join(context.args or []).strip()
    if not text:
        raise UserError("search.usage")
    if len(text) > MAX_TEXT:
        raise UserError("search.too_long", limit=MAX_TEXT)
    await _results(update, caller, text, 0, edit=False)


def _text_of_results(update: Update) -> str:
    """The search text from the first line of the results message the button belongs to."""
    query = update.callback_query
    message = query.message if query else None
    first = (message.text or "").split("\n", 1)[0] if isinstance(message, Message) else ""
    if not first.startswith(HEADER_MARK):
        raise UserError("access.bad_button")
    return first[len(HEADER_MARK) :].strip()[:MAX_TEXT]


@members_only
async def turn_page(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, PAGE_BUTTON)
    text = match.group(2) or _text_of_results(update)
    if not text.strip():
        raise UserError("access.bad_button")
    await answer_query(update)
    await _results(update, caller, text, int(match.group(1)), edit=True)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("suche", search_command, filters=PRIVATE),
    CallbackQueryHandler(turn_page, pattern=r"^srch:"),
]
