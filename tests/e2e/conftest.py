"""End-to-end fixtures: the real bot over HTTP against the local Bot API server.

`api` is the server (a test acts as users through it); `start_bot(**settings)` starts the
bot as `gremienbot run` does, on the test's database (SQLite and PostgreSQL legs).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi, RateLimits
from bot.sandbox import Sandbox, sandbox
from bot.services.importer import import_yaml
from storage.models import Organization, Person

StartBot = Callable[..., Awaitable[Sandbox]]


# Telegram's limits, with a burst per private chat large enough for a test that types faster
# than a person; flood control itself is tested with strict limits where it matters.
E2E_LIMITS = RateLimits(private_burst=20)


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(limits=E2E_LIMITS) as server:
        yield server


@pytest.fixture
async def start_bot(api: LocalBotApi, database_url: str, engine: object) -> AsyncIterator[StartBot]:
    """Start the bot (once per test) with settings overrides; stopped after the test."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(**overrides: Any) -> Sandbox:
            return await stack.enter_async_context(sandbox(database_url, api=api, **overrides))

        yield start


EXAMPLE = Path(__file__).parents[2] / "examples" / "lenkungsgruppe.yaml"


@pytest.fixture
async def imported(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The example import file (examples/lenkungsgruppe.yaml), without notifications.

    Members linked there: 1001 Dr. Martin Muster and 1002 Carla Controlling (administrators),
    1003 Anna Beispiel (SPD), 1004 Bernd Probe (CDU), 1005 Jürgen Grünwald (Grüne).
    """
    await import_yaml(
        sessions,
        text=EXAMPLE.read_text(encoding="utf-8"),
        source=EXAMPLE.name,
        tz=ZoneInfo("Europe/Berlin"),
        group_key="lenkungsgruppe",
        notify=False,
    )
    # The administrators belong to the Dezernat (the import's `department` key is another
    # change's; set here so the administration is what it will be).
    async with sessions.begin() as session:
        dezernat = (
            await session.execute(
                select(Organization).where(Organization.key == "dezernat-soziales")
            )
        ).scalar_one()
        await session.execute(
            update(Person)
            .where(Person.telegram_user_id.in_([1001, 1002]))
            .values(department_id=dezernat.id)
        )
