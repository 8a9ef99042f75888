"""Bulk writes of the OParl sync's new rows: ids reserved up front, then one executemany INSERT
per table and page (Core, not the ORM unit of work, which would build and track an object per
row). The feed counters are raised by the statements themselves (storage/feed_versions.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.feed_versions import COUNCIL, raise_versions
from storage.models import AgendaItem, Consultation, File, Meeting, Paper

_MODELS: dict[str, Any] = {
    "agenda_items": AgendaItem,
    "consultations": Consultation,
    "files": File,
    "meetings": Meeting,
    "papers": Paper,
}


def _table(name: str) -> Table:
    return cast(Table, _MODELS[name].__table__)


async def reserve_ids(session: AsyncSession, *, table: str, count: int) -> list[int]:
    """`count` new ids of `table` (one of the council tables above), so that new rows are
    inserted in one batch without returning each generated id.

    PostgreSQL: from the table's sequence, safe with concurrent writers. SQLite: after the
    largest id, as SQLite itself would choose; the council counter is raised first, which takes
    SQLite's one write lock, so no other writer can take these ids before this transaction ends.
    """
    if count <= 0:
        return []
    if (await session.connection()).dialect.name == "postgresql":
        sequence = (
            await session.execute(select(func.pg_get_serial_sequence(table, "id")))
        ).scalar_one()
        query = text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)")
        rows = await session.execute(query, {"sequence": sequence, "n": count})
        return [int(value) for value in rows.scalars()]
    await session.run_sync(raise_versions, [COUNCIL])  # a write: takes the lock
    largest = (
        await session.execute(select(func.max(_table(table).c.id)))
    ).scalar_one_or_none() or 0
    return list(range(largest + 1, largest + 1 + count))


async def insert_rows(session: AsyncSession, *, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (column values, ids included) into `table` in one executemany."""
    if rows:
        await session.execute(insert(_table(table)), list(rows))
