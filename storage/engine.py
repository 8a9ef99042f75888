"""The async engine and session factory for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import storage.feed_versions  # noqa: F401  (registers the feed change counters' session events)

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


def create_engine(url: str) -> AsyncEngine:
    """Create the engine; SQLite gets foreign keys and a busy timeout for concurrent writers.

    `hide_parameters`: error messages (and so logs) never show bound values, which include
    personal data, reply texts and token hashes.
    """
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        # No rollback when a connection goes back to the pool: the Connection (and so every
        # session) ends its own transaction when it closes, and on aiosqlite each rollback
        # is a trip to the driver's thread, per request (feed revalidations count them).
        engine = create_async_engine(
            parsed,
            connect_args={"timeout": 30},
            hide_parameters=True,
            pool_reset_on_return=None,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_async_engine(parsed, pool_pre_ping=True, hide_parameters=True)


def create_lock_engine(url: str, *, connections: int) -> AsyncEngine:
    """PostgreSQL: a pool of its own for the per-chat locks (bot/dialogues), each held while one
    update is handled, so that they never take the connections the handlers need."""
    return create_async_engine(
        make_url(url),
        pool_size=connections,
        max_overflow=0,
        pool_pre_ping=True,
        hide_parameters=True,
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: handlers render objects after the transaction has committed.
    return async_sessionmaker(engine, expire_on_commit=False)


def display_url(url: str) -> str:
    """The URL for logs and messages, with any password masked."""
    return make_url(url).render_as_string(hide_password=True)
