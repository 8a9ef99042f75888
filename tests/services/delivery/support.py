"""Helpers for the delivery tests (no tests here): a local Bot API server with a real PTB bot,
a running worker, members in the database and in the server, and waiting for the outbox."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.ext import Application

from bot.localapi import ChatMessage, LocalBotApi, RateLimits
from bot.services.delivery import DeliveryOptions, DeliveryWorker
from storage.models import DeliveryStatus, Person
from storage.queries.delivery_reports import status_counts

BERLIN = ZoneInfo("Europe/Berlin")

# Bulk tests where pacing is not the point: fast retries, many requests at once.
FAST = {
    "rate": 1000.0,
    "allow_paid_broadcast": True,
    "concurrency": 16,
    "backoff_base": 0.05,
    "backoff_cap": 0.4,
    "poll_interval": 0.05,
}


@contextlib.asynccontextmanager
async def local_telegram(
    limits: RateLimits | None = None, *, read_timeout: float | None = None
) -> AsyncIterator[tuple[LocalBotApi, Bot]]:
    """A local Bot API server and a real python-telegram-bot Bot talking HTTP to it."""
    async with LocalBotApi(limits=limits) as api:
        builder = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
        )
        if read_timeout is not None:
            builder = builder.read_timeout(read_timeout)
        application = builder.build()
        async with application:
            yield api, application.bot


@contextlib.asynccontextmanager
async def running_worker(
    bot: Bot, sessions: async_sessionmaker[AsyncSession], **options: Any
) -> AsyncIterator[DeliveryWorker]:
    worker = DeliveryWorker(
        bot=bot, sessions=sessions, timezone=BERLIN, options=DeliveryOptions(**options)
    )
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


@dataclass(frozen=True)
class Member:
    person_id: int
    chat_id: int
    name: str


async def add_members(
    sessions: async_sessionmaker[AsyncSession],
    api: LocalBotApi | None,
    count: int,
    *,
    first_id: int = 10_000,
    **person_fields: Any,
) -> list[Member]:
    """`count` linked persons in the database and, if `api` is given, as users of the server."""
    rows = [
        {"name": f"Mitglied {n:04d}", "telegram_user_id": first_id + n, **person_fields}
        for n in range(count)
    ]
    async with sessions.begin() as session:
        await session.execute(insert(Person), rows)
        found = await session.execute(
            select(Person.id, Person.telegram_user_id, Person.name)
            .where(Person.telegram_user_id.in_([r["telegram_user_id"] for r in rows]))
            .order_by(Person.telegram_user_id)
        )
        members = [Member(row.id, int(row.telegram_user_id), row.name) for row in found]
    if api is not None:
        for member in members:
            api.user(member.chat_id, member.name)
    return members


async def wait_until_settled(
    sessions: async_sessionmaker[AsyncSession],
    timeout: float = 60.0,  # noqa: ASYNC109
) -> None:
    """Wait until no delivery is pending any more."""
    deadline = time.monotonic() + timeout
    while True:
        async with sessions() as session:
            counts = await status_counts(session)
        if counts[DeliveryStatus.PENDING] == 0:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"deliveries still pending after {timeout} s: {counts}")
        await asyncio.sleep(0.05)


def received(api: LocalBotApi, chat_id: int) -> list[ChatMessage]:
    """The bot's messages in a chat, as the user sees them."""
    return [m for m in api.messages(chat_id) if m.from_bot]


def received_counts(api: LocalBotApi, chat_ids: Sequence[int]) -> dict[int, int]:
    return {chat_id: len(received(api, chat_id)) for chat_id in chat_ids}
