"""A small python-telegram-bot Application on the test's database, polling the local Bot API.

For direct tests of the handler helpers (bot/access.py, bot/ui.py): real updates, real HTTP,
real PTB, with probe handlers instead of the product's.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import Application, BaseHandler, ContextTypes

from bot.localapi import LocalBotApi, RateLimits
from bot.runtime import RUNTIME_KEY, Runtime
from bot.sandbox import sandbox_settings, settling_waits_for

Handlers = Sequence[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, Any]]


@contextlib.asynccontextmanager
async def guarded_app(
    database_url: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    handlers: Handlers,
) -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(limits=RateLimits.off()) as api:
        settings = sandbox_settings(api, database_url)
        app = Application.builder().token(api.token).base_url(api.base_url).build()
        app.bot_data[RUNTIME_KEY] = Runtime(settings=settings, engine=engine, sessions=sessions)
        app.add_handlers(list(handlers))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=5)
            try:
                with settling_waits_for(api, app):
                    yield api
            finally:
                await app.updater.stop()
                await app.stop()
