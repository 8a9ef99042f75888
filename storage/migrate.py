"""Apply the Alembic migrations programmatically (used by `gremienbot db upgrade`, `run`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.locks import MIGRATION_LOCK

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def upgrade(engine: AsyncEngine, revision: str = "head") -> bool:
    """Bring the schema up to `revision`; True if a migration ran.

    On PostgreSQL the whole upgrade holds an advisory lock in its transaction (DDL is
    transactional there): instances started together wait for the first, then find the
    schema current and do nothing, so every migration runs once.
    """
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        before = await connection.run_sync(_current)
        await connection.run_sync(lambda sync: command.upgrade(_config(sync), revision))
        after = await connection.run_sync(_current)
    return before != after
