"""Bulk writes of the OParl sync's new rows: ids reserved up front, then one bulk INSERT per
table and page, below the ORM (whose unit of work would build and track an object per row) and
below SQLAlchemy's executemany (which builds and type-processes a parameter dict per row in
Python: 2.5 s of a 7 s initial sync of the benchmark body). PostgreSQL takes the rows by COPY,
SQLite by one statement over a JSON array (see `json_rows`). The feed counter "council" is
raised here, as a session statement would raise it (storage/feed_versions.py)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from operator import itemgetter
from typing import Any, cast

import orjson
from sqlalchemy import Column, Table, func, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from storage.feed_versions import COUNCIL, raise_versions
from storage.models import AgendaItem, Consultation, File, Meeting, Paper

# JSON functions are part of SQLite from 3.38 on (before, only where built in), UPDATE … FROM
# from 3.33: older libraries take the rows one by one.
JSON_STATEMENTS = sqlite3.sqlite_version_info >= (3, 38)


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


async def driver_connection(session: AsyncSession) -> tuple[Any, Dialect]:
    """The driver's own connection (asyncpg or aiosqlite) in the session's transaction, and the
    dialect, for writes below SQLAlchemy. The session's pending rows are flushed first, as an
    execute would autoflush, and the council feed counter is raised: no session event sees
    these writes."""
    await session.flush()
    await session.run_sync(raise_versions, [COUNCIL])
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    return raw, connection.dialect


def converted(column: Column[Any], dialect: Dialect, values: list[Any]) -> list[Any]:
    """`values` as the column's own bind processor stores them (UTC date-times, dates and
    enums as SQLite stores them, JSON), exactly as the ORM would."""
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return values
    try:
        distinct = set(values)
    except TypeError:  # JSON values (lists, dicts): each converted on its own
        return [processor(value) for value in values]
    # Each distinct value once (days, flags, kinds repeat across a page): a Python call per
    # row was a fifth of the initial sync's inserts.
    done = {value: processor(value) for value in distinct}
    return [done[value] for value in values]


async def insert_rows(session: AsyncSession, *, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (column values, ids included, the same columns in each) into `table`."""
    if not rows:
        return
    raw, dialect = await driver_connection(session)
    target = _table(table)
    names = list(rows[0])
    columns: list[list[Any]] = []
    for name in names:
        columns.append(converted(target.c[name], dialect, list(map(itemgetter(name), rows))))
        # A turn of the event loop per column: the sync's page reader waits for these
        # (thousands of rows take milliseconds per column).
        await asyncio.sleep(0)
    records = list(zip(*columns, strict=True))
    quoted = [dialect.identifier_preparer.quote(name) for name in names]
    if dialect.name == "postgresql":
        await raw.copy_records_to_table(target.name, records=records, columns=names)
        return
    insert = f"INSERT INTO {target.name} ({', '.join(quoted)})"
    await sqlite_rows(
        raw,
        records,
        each=f"{insert} VALUES ({', '.join('?' for _ in names)})",
        at_once=f"{insert} SELECT {json_columns(quoted)} FROM json_each(?)",
    )


async def sqlite_rows(
    raw: Any, records: Sequence[Sequence[Any]], *, each: str, at_once: str
) -> None:
    """Run a write over `records` on SQLite: `at_once` once, with the records as the JSON array
    of `json_rows` for its one parameter, where the library has JSON (`JSON_STATEMENTS`); else
    `each` once per record."""
    if JSON_STATEMENTS:
        await raw.execute(at_once, (json_rows(records),))
    else:
        await raw.executemany(each, records)


def json_rows(records: Sequence[Sequence[Any]]) -> str:
    """Rows for SQLite as one JSON array of arrays, read back by `json_columns`.

    One statement instead of the driver's executemany: executemany hands the interpreter lock
    back and forth once per row, and while the sync's own thread works (reading the next page)
    each row waits for it — 10,000 rows took 16 s instead of 0.07 s with a busy thread beside
    it; one statement takes 0.1 s either way. Values are as the columns' bind processors left
    them (text, numbers, None)."""
    return orjson.dumps(records).decode()


def json_columns(names: Sequence[str]) -> str:
    """The columns of a row of `json_rows` (as `json_each` gives it: `value`), named."""
    return ", ".join(
        f"json_extract(value, '$[{index}]') AS {name}" for index, name in enumerate(names)
    )
