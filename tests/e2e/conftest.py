"""End-to-end fixtures: the real bot over HTTP against the local Bot API server.

`api` is the server (a test acts as users through it); `start_bot(**settings)` starts the
bot as `gremienbot run` does, on the test's database (SQLite and PostgreSQL legs).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi, RateLimits
from bot.sandbox import Sandbox, sandbox
from bot.services.importer import import_yaml
from storage.models import Membership, Organization, OrganizationKind, Person

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


FACTIONS = [("cdu", "CDU-Fraktion"), ("spd", "SPD-Fraktion"), ("gruene", "Grüne-Fraktion")]
DEPARTMENTS = {"dezernat-soziales": "Dezernat für Soziales und Gesundheit"}


@pytest.fixture
async def group(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """The steering group and three factions; returns organization ids by key."""
    async with sessions.begin() as session:
        orgs = [
            Organization(
                key="lenkungsgruppe",
                name="Lenkungsgruppe Sozialstrategie",
                kind=OrganizationKind.COMMITTEE,
            ),
            *[
                Organization(key=key, name=name, kind=OrganizationKind.FACTION)
                for key, name in FACTIONS
            ],
        ]
        session.add_all(orgs)
        await session.flush()
        return {org.key: org.id for org in orgs}


AddMember = Callable[..., Awaitable[Person]]


@pytest.fixture
def add_member(sessions: async_sessionmaker[AsyncSession], group: dict[str, int]) -> AddMember:
    """Create a linked member directly in the database (the invitation flow has its own tests)."""

    async def add(
        name: str,
        telegram_id: int | None,
        *,
        admin: bool = False,
        faction: str | None = None,
        function: str | None = None,
        language: str | None = None,
        department: str | None = None,
    ) -> Person:
        async with sessions.begin() as session:
            department_id = None
            if department:  # e.g. "dezernat-soziales", created on first use
                found = (
                    await session.execute(
                        select(Organization).where(Organization.key == department)
                    )
                ).scalar_one_or_none()
                if found is None:
                    found = Organization(
                        key=department,
                        name=DEPARTMENTS[department],
                        kind=OrganizationKind.DEPARTMENT,
                    )
                    session.add(found)
                    await session.flush()
                department_id = found.id
            person = Person(
                name=name,
                telegram_user_id=telegram_id,
                is_admin=admin,
                faction_id=group[faction] if faction else None,
                department_id=department_id,
                function=function,
                language=language,
            )
            session.add(person)
            session.add(
                Membership(
                    person=person,
                    organization_id=group["lenkungsgruppe"],
                    start_date=date(2021, 1, 1),
                )
            )
        return person

    return add


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
