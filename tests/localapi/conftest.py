"""Fixtures: a running local Bot API, an HTTP client for it, and a tiny PTB bot polling it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.localapi import LocalBotApi, RateLimits


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    """A running server; flood limits off, the limit tests switch them on themselves."""
    async with LocalBotApi(limits=RateLimits.off()) as server:
        yield server


@pytest.fixture
async def client(api: LocalBotApi) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{api.base_url}{api.token}/") as http:
        yield http


Call = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def call(client: httpx.AsyncClient) -> Call:
    """``await call("sendMessage", chat_id=7, text="x")``: POST the params as a JSON body."""

    async def post(method: str, **params: object) -> httpx.Response:
        return await client.post(method, json=params)

    return post


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Zusage", callback_data="rsvp:yes")]])
    await update.effective_message.reply_text("hi", reply_markup=keyboard)


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"got {query.data}")
    await query.edit_message_text(f"<b>Danke</b> für {query.data}", parse_mode="HTML")


@pytest.fixture
async def ptb_app(api: LocalBotApi) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """A PTB Application with /start (replies "hi" + a button) and a callback handler."""
    app = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_pressed))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=5)
        yield app
        await app.updater.stop()
        await app.stop()
