"""Bulk writes of the OParl sync's new rows: ids reserved up front, then one bulk INSERT per
table and batch, below the ORM (whose unit of work would build and track an object per row) and
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


async def insert_rows(
    session: AsyncSession, *, table: str, rows: Sequence[dict[str, Any]], into: str | None = None
) -> None:
    """Insert `rows` (column values, ids included, the same columns in each) into `table`, or
    with `table`'s column types into the table named `into` (see `hold_agenda_items`)."""
    if not rows:
        return
    raw, dialect = await driver_connection(session)
    target = _table(table)
    name = into or target.name
    names = list(rows[0])
    columns: list[list[Any]] = []
    for column in names:
        columns.append(converted(target.c[column], dialect, list(map(itemgetter(column), rows))))
        # A turn of the event loop per column: the sync's page reader waits for these
        # (thousands of rows take milliseconds per column).
        await asyncio.sleep(0)
    records = list(zip(*columns, strict=True))
    quoted = [dialect.identifier_preparer.quote(column) for column in names]
    if dialect.name == "postgresql":
        await raw.copy_records_to_table(name, records=records, columns=names)
        return
    insert = f"INSERT INTO {name} ({', '.join(quoted)})"
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


# New agenda items of a first sync wait in a temporary table of its transaction for the Vorlagen
# their consultations name (read after the meetings), and go into agenda_items once, with their
# Vorlage. Inserted at once and linked at the end instead, each row was written twice: on
# PostgreSQL the UPDATE of 20,000 rows written in the same transaction checks both foreign keys
# of each again and writes every index again (0.8 s of the benchmark's 4.3 s initial sync).
WAITING = "oparl_waiting_agenda_items"
_WAITING_COLUMNS = (
    "meeting_id, position, number, name, public, result, oparl_id, consultation_oparl_id"
)
_WAITING_TABLE = f"{_WAITING_COLUMNS}, paper_id"


async def hold_agenda_items(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> None:
    """Keep new agenda items (rows as for `insert_rows`, no ids) until `release_agenda_items`."""
    if not rows:
        return
    if not session.info.get(WAITING):
        # A write first: on SQLite it opens the transaction (the driver leaves a CREATE outside
        # of one), so that a rollback drops the table there too.
        await session.run_sync(raise_versions, [COUNCIL])
        temporary = "TEMPORARY TABLE IF NOT EXISTS " + WAITING
        if (await session.connection()).dialect.name == "postgresql":
            temporary += " ON COMMIT DROP"  # a rollback drops it as well
        await session.execute(
            text(f"CREATE {temporary} AS SELECT {_WAITING_TABLE} FROM agenda_items WHERE 1 = 0")
        )
        session.info[WAITING] = True
    await insert_rows(session, table="agenda_items", rows=rows, into=WAITING)


async def release_agenda_items(session: AsyncSession) -> None:
    """Write the held agenda items into agenda_items, in the order they were held (meeting by
    meeting). An item that was held without a Vorlage takes the Vorlage of the consultation it
    names, if that consultation exists by now."""
    if not session.info.pop(WAITING, False):
        return
    await session.run_sync(raise_versions, [COUNCIL])  # a text statement: raised here
    waiting = ", ".join(f"w.{column.strip()}" for column in _WAITING_COLUMNS.split(","))
    await session.execute(
        text(
            f"INSERT INTO agenda_items ({_WAITING_COLUMNS}, paper_id)"
            f" SELECT {waiting}, coalesce(w.paper_id, c.paper_id) FROM {WAITING} w"
            " LEFT JOIN consultations c ON c.oparl_id = w.consultation_oparl_id"
            " ORDER BY w.meeting_id, w.position"
        )
    )
    await session.execute(text(f"DROP TABLE {WAITING}"))
