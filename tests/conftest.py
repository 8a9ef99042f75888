"""Shared fixtures: a migrated database on SQLite and, when configured, on PostgreSQL.

Set GREMIENBOT_TEST_DATABASE_URL=postgresql+asyncpg://user@host:port/db to run every
database test on PostgreSQL too; each test then gets a database of its own, created from
that server and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade

PG_ENV = "GREMIENBOT_TEST_DATABASE_URL"


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(
                not os.environ.get(PG_ENV),
                reason=f"PostgreSQL leg: set {PG_ENV}=postgresql+asyncpg://postgres@127.0.0.1:5432/test",
            ),
        ),
    ]
)
async def database_url(request: pytest.FixtureRequest, tmp_path: object) -> AsyncIterator[str]:
    """An empty database URL of each engine; the schema is not created yet."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/gremienbot.db"
        return
    server_url = make_url(os.environ[PG_ENV])
    name = f"gremienbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on a database built by the real Alembic migrations."""
    engine = create_engine(database_url)
    await upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(engine)


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


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
