"""bot/ui.py: keyboards within Telegram's limits, replies that edit in place, strict buttons."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.errors import UserError
from bot.ui import answer_query, is_private, keyboard, parse_callback, reply
from tests.bot.guarded_app import guarded_app

COUNTER = re.compile(r"count:(\d{1,3})")


def test_keyboard_makes_url_and_callback_buttons_and_drops_empty_rows() -> None:
    markup = keyboard([[("Öffnen", "https://example.org/m/1"), ("Zusage", "att:1:0:y")], []])
    assert markup is not None
    [[url_button, data_button]] = markup.inline_keyboard
    assert (url_button.url, url_button.callback_data) == ("https://example.org/m/1", None)
    assert data_button.callback_data == "att:1:0:y"
    assert keyboard([]) is None
    assert keyboard([[]]) is None


def test_keyboard_refuses_callback_data_over_64_bytes() -> None:
    keyboard([[("ok", "x" * 64)]])
    with pytest.raises(ValueError, match="64 bytes"):
        keyboard([[("too long", "ä" * 33)]])  # 66 bytes in UTF-8


async def _count(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, "0", [[("+1", "count:1")]])


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    try:
        value = int(parse_callback(update, COUNTER).group(1))
    except UserError as error:
        await answer_query(update, error.render("de"), alert=True)
        return
    await answer_query(update)
    # Pressing "stay" asks for an identical edit, which Telegram refuses as "not modified".
    label = "stay" if value >= 2 else f"+{value + 1}"
    data = f"count:{value}" if value >= 2 else f"count:{value + 1}"
    await reply(
        update,
        f"{value} {'privat' if is_private(update) else 'Gruppe'}",
        [[(label, data)]],
        edit=True,
    )


HANDLERS = [CommandHandler("count", _count), CallbackQueryHandler(_pressed)]


async def test_a_press_edits_the_message_in_place_and_a_repeat_is_harmless(
    database_url: str, engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with guarded_app(database_url, engine, sessions, HANDLERS) as api:
        anna = api.user(601, "Anna")
        [counter] = await anna.send("/count")
        await anna.press("+1")
        await anna.press("+2")
        await anna.press("stay")  # the same text again: no error, nothing new
        [message] = [m for m in anna.messages if m.from_bot]
        assert message.message_id == counter.message_id
        assert (message.text, message.edited) == ("2 privat", True)
        [not_modified] = api.log.select(method="editMessageText", status=400)
        assert "not modified" in (not_modified.description or "")

        await anna.press_data(counter.message_id, "count:999x")  # forged
        assert anna.callback_answers[-1].show_alert
        assert anna.callback_answers[-1].text == "Diese Schaltfläche ist nicht mehr gültig."
        assert anna.messages[-1].text == "2 privat"  # unchanged
