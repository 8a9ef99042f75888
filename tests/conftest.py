"""Shared fixtures: a migrated database on SQLite and, when configured, on PostgreSQL.

Set GREMIENBOT_TEST_DATABASE_URL=postgresql+asyncpg://user@host:port/db to run every
database test on PostgreSQL too; each test then gets a database of its own on that server,
dropped afterwards.

The schema is built once per test session and engine by the real Alembic migrations; each test
gets a copy (a file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL). The migrations
themselves are tested on an empty database (`empty_database_url`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Membership, Organization, OrganizationKind, Person

PG_ENV = "GREMIENBOT_TEST_DATABASE_URL"
LEGS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get(PG_ENV),
            reason=f"PostgreSQL leg: set {PG_ENV}=postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        ),
    ),
]


def _run_in_own_loop(work: Coroutine[Any, Any, None]) -> None:
    """Run set-up work in a thread with an event loop of its own, apart from the tests' loops."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, work).result(timeout=120)


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


async def _execute_autocommit(server_url: URL, statement: str) -> None:
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await admin.dispose()


def _fresh_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file built once per test session by the real migrations; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "gremienbot.db"
    _run_in_own_loop(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def migrated_postgresql_template() -> Iterator[str]:
    """A PostgreSQL database built once per test session by the real migrations.

    Each test's database is created from it with CREATE DATABASE … TEMPLATE, a file copy on the
    server, instead of running every migration again.
    """
    server_url = make_url(os.environ[PG_ENV])
    name = _fresh_name("gremienbot_template")
    _run_in_own_loop(_execute_autocommit(server_url, f'CREATE DATABASE "{name}"'))
    try:
        _run_in_own_loop(_migrate(_database(server_url, name)))
        yield name
    finally:
        drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        _run_in_own_loop(_execute_autocommit(server_url, drop))


def _database(server_url: URL, name: str) -> str:
    return server_url.set(database=name).render_as_string(hide_password=False)


@asynccontextmanager
async def _postgresql_database(template: str | None) -> AsyncIterator[str]:
    """A database of its own for one test, dropped afterwards."""
    server_url = make_url(os.environ[PG_ENV])
    name = _fresh_name("gremienbot_test")
    source = f' TEMPLATE "{template}"' if template else ""
    await _execute_autocommit(server_url, f'CREATE DATABASE "{name}"{source}')
    try:
        yield _database(server_url, name)
    finally:
        await _execute_autocommit(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=LEGS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each engine: for tests of the migrations themselves."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/gremienbot.db"
        return
    async with _postgresql_database(None) as url:
        yield url


@pytest.fixture(params=LEGS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of each engine with the schema at the newest migration, of this test alone."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("migrated_sqlite_file")
        shutil.copyfile(template, tmp_path / "gremienbot.db")
        yield f"sqlite+aiosqlite:///{tmp_path}/gremienbot.db"
        return
    async with _postgresql_database(request.getfixturevalue("migrated_postgresql_template")) as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the test's migrated database."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


# Members for tests that need some: the steering group, three factions, linked people.

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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per database leg, so a CI log shows that both ran."""
    legs: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if report.when != "call" and outcome != "skipped":
                continue
            for leg in ("sqlite", "postgresql"):
                if f"[{leg}" in report.nodeid or f"-{leg}]" in report.nodeid:
                    counts = legs.setdefault(leg, {})
                    counts[outcome] = counts.get(outcome, 0) + 1
    for leg, counts in sorted(legs.items()):
        summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(counts.items()))
        terminalreporter.write_line(f"database leg {leg}: {summary}")
