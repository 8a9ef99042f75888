"""What the delivery benchmark runs on: the local Bot API server in a thread of its own, a real
python-telegram-bot Bot, and a scratch database (SQLite file, or a new PostgreSQL database)."""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from telegram import Bot
from telegram.ext import Application

from bot.localapi import LocalBotApi, RateLimits
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Person


@contextlib.contextmanager
def server_thread(limits: RateLimits) -> Iterator[LocalBotApi]:
    """The server on an event loop of its own thread, so the bot's loop carries only the bot."""
    loop = asyncio.new_event_loop()
    api = LocalBotApi(limits=limits)
    thread = threading.Thread(target=loop.run_forever, name="local-bot-api", daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(api.start(), loop).result(timeout=30)
    try:
        yield api
    finally:
        asyncio.run_coroutine_threadsafe(api.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


@contextlib.asynccontextmanager
async def telegram_bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    """A Bot built the way `gremienbot run` builds it (ApplicationBuilder: 256 connections)."""
    application = (
        Application.builder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    async with application:
        yield application.bot


@contextlib.asynccontextmanager
async def scratch_database(server_url: str | None) -> AsyncIterator[str]:
    """A new, empty database: a SQLite file in a temporary folder, or a fresh database on the
    PostgreSQL server of `server_url`, dropped afterwards."""
    if server_url is None:
        with tempfile.TemporaryDirectory(prefix="gremienbot-bench-") as folder:
            yield f"sqlite+aiosqlite:///{folder}/bench.db"
        return
    url = make_url(server_url)
    name = f"gremienbot_bench_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@contextlib.asynccontextmanager
async def database(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(url)
    try:
        await upgrade(engine)
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def add_members(
    sessions: async_sessionmaker[AsyncSession], api: LocalBotApi, count: int, first_id: int
) -> list[tuple[int, int]]:
    """`count` linked members in the database and the server; returns (person id, chat id)."""
    rows: list[dict[str, Any]] = [
        {"name": f"Mitglied {n:05d}", "telegram_user_id": first_id + n} for n in range(count)
    ]
    async with sessions.begin() as session:
        await session.execute(insert(Person), rows)
        found = await session.execute(
            select(Person.id, Person.telegram_user_id)
            .where(Person.telegram_user_id >= first_id, Person.telegram_user_id < first_id + count)
            .order_by(Person.telegram_user_id)
        )
        members = [(row.id, int(row.telegram_user_id)) for row in found]
    for _, chat_id in members:
        api.user(chat_id, f"Mitglied {chat_id}")
    return members
