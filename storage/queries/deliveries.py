"""Queries of the delivery outbox: writing rows, claiming due rows, recording outcomes.

A row is *claimed* by a worker when `claimed_by` names it; its `next_attempt_at` is then the end
of the claim's lease, so a row whose worker died becomes due again when the lease runs out.
Claiming uses `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL: several workers never take the same
row; SQLite ignores the clause and runs one worker process).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Table, bindparam, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Announcement, Delivery, DeliveryStatus, GroupChat, Person

PENDING = DeliveryStatus.PENDING
CLAIM_LOCK = 0x6772_0001  # advisory lock key of the outbox claims ("gr" 1)
# Rows per INSERT: SQLite allows 32766 bound values per statement; a row binds about 15.
_INSERT_CHUNK = 500


def _deliveries() -> Table:
    table = Delivery.__table__
    assert isinstance(table, Table)
    return table


async def insert_deliveries(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> int:
    """Insert pending rows, skipping any whose (event_key, chat_id) exists; how many were new.

    ON CONFLICT DO NOTHING keeps this idempotent even across concurrent transactions: the
    second writer waits for the first to commit and then inserts nothing.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted = 0
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        statement = (
            insert(Delivery)
            .values(list(chunk))
            .on_conflict_do_nothing(index_elements=["event_key", "chat_id"])
        )
        result = await session.execute(statement)
        inserted += max(0, getattr(result, "rowcount", 0) or 0)
    return inserted


def _due(now: datetime, worker_id: str) -> tuple[Any, ...]:
    # A chat held by another live worker is left to it, so per-chat pacing stays in one place.
    held_elsewhere = select(Delivery.chat_id).where(
        Delivery.status == PENDING,
        Delivery.claimed_by.is_not(None),
        Delivery.claimed_by != worker_id,
        Delivery.next_attempt_at > now,
    )
    return (
        Delivery.status == PENDING,
        Delivery.next_attempt_at <= now,
        Delivery.chat_id.not_in(held_elsewhere),
    )


async def claim_due(
    session: AsyncSession, *, worker_id: str, now: datetime, lease_until: datetime, limit: int
) -> list[Delivery]:
    """Claim up to `limit` due rows (oldest first) plus the rest of their combinable batches.

    On PostgreSQL the claims of all instances take turns (a transaction-level advisory lock):
    otherwise two instances could each claim rows of the same chat, neither seeing the
    other's claim before it commits, and pace that chat twice.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(CLAIM_LOCK)))
    due = _due(now, worker_id)
    query = (
        select(Delivery)
        .where(*due)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list((await session.execute(query)).scalars())
    batches = {(row.chat_id, row.batch_key) for row in rows if row.batch_key is not None}
    if batches:
        # The limit may cut a batch in two; its other rows come along so it stays one message.
        taken = [row.id for row in rows]
        siblings = (
            select(Delivery)
            .where(
                *due,
                Delivery.chat_id.in_({chat for chat, _ in batches}),
                Delivery.batch_key.in_({key for _, key in batches}),
                Delivery.id.not_in(taken),
            )
            .with_for_update(skip_locked=True)
        )
        more = (await session.execute(siblings)).scalars()
        rows.extend(row for row in more if (row.chat_id, row.batch_key) in batches)
    if rows:
        await session.execute(
            update(_deliveries())
            .where(_deliveries().c.id.in_([row.id for row in rows]))
            .values(claimed_by=worker_id, next_attempt_at=lease_until)
        )
        for row in rows:
            row.claimed_by = worker_id
            row.next_attempt_at = lease_until
    return rows


async def renew_claims(
    session: AsyncSession, *, worker_id: str, ids: Sequence[int], lease_until: datetime
) -> int:
    """Extend the lease of the rows `ids` this worker still holds."""
    table = _deliveries()
    result = await session.execute(
        update(table)
        .where(
            table.c.id.in_(list(ids)), table.c.claimed_by == worker_id, table.c.status == PENDING
        )
        .values(next_attempt_at=lease_until)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release_claims(
    session: AsyncSession, *, now: datetime, worker_id: str | None = None
) -> int:
    """Hand held rows back as due now: this worker's (on shutdown) or everyone's (`None`).

    Releasing everyone's is only right where a single worker process runs (SQLite at start).
    """
    table = _deliveries()
    held = table.c.claimed_by.is_not(None) if worker_id is None else table.c.claimed_by == worker_id
    result = await session.execute(
        update(table)
        .where(held, table.c.status == PENDING)
        .values(claimed_by=None, next_attempt_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class SentMark:
    """One row accepted by Telegram, for `mark_sent`."""

    delivery_id: int
    attempts: int
    message_id: int


async def mark_sent(session: AsyncSession, *, marks: Sequence[SentMark], now: datetime) -> None:
    table = _deliveries()
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(
            status=DeliveryStatus.SENT,
            sent_at=now,
            telegram_message_id=bindparam("message_id"),
            attempts=bindparam("new_attempts"),
            claimed_by=None,
            last_error=None,
        )
    )
    params = [
        {"row_id": m.delivery_id, "message_id": m.message_id, "new_attempts": m.attempts}
        for m in marks
    ]
    await session.execute(statement, params)


async def reschedule(
    session: AsyncSession,
    *,
    ids: Iterable[int],
    at: datetime,
    error: str | None,
    count_attempt: bool,
) -> None:
    """Give held rows back, due at `at`; `count_attempt` when the attempt itself failed."""
    table = _deliveries()
    values: dict[str, Any] = {"claimed_by": None, "next_attempt_at": at}
    if error is not None:
        values["last_error"] = error
    if count_attempt:
        values["attempts"] = table.c.attempts + 1
    await session.execute(
        update(table).where(table.c.id.in_(list(ids)), table.c.status == PENDING).values(values)
    )


async def finish(
    session: AsyncSession, *, ids: Iterable[int], status: DeliveryStatus, error: str
) -> None:
    """Close held rows for good as failed or unreachable, with the reason."""
    table = _deliveries()
    await session.execute(
        update(table)
        .where(table.c.id.in_(list(ids)), table.c.status == PENDING)
        .values(status=status, last_error=error, claimed_by=None, attempts=table.c.attempts + 1)
    )


async def set_reachable(
    session: AsyncSession, *, person_id: int, reachable: bool, reason: str | None = None
) -> None:
    await session.execute(
        update(Person)
        .where(Person.id == person_id, Person.reachable.is_not(reachable))
        .values(reachable=reachable, unreachable_reason=None if reachable else (reason or "")[:200])
        .execution_options(synchronize_session=False)
    )


async def move_chat(session: AsyncSession, *, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: pending rows and the connected group follow the new id."""
    await session.execute(
        update(GroupChat)
        .where(GroupChat.chat_id == old_chat_id)
        .values(chat_id=new_chat_id)
        .execution_options(synchronize_session=False)
    )
    table = _deliveries()
    await session.execute(
        update(table)
        .where(table.c.chat_id == old_chat_id, table.c.status == PENDING)
        .values(chat_id=new_chat_id)
    )


@dataclass(frozen=True)
class Recipient:
    """What the worker needs to know about the person behind a chat."""

    reachable: bool
    quiet_start: time | None
    quiet_end: time | None


async def recipients(session: AsyncSession, *, person_ids: Iterable[int]) -> dict[int, Recipient]:
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    query = select(Person.id, Person.reachable, Person.quiet_start, Person.quiet_end).where(
        Person.id.in_(ids)
    )
    return {
        row.id: Recipient(row.reachable, row.quiet_start, row.quiet_end)
        for row in await session.execute(query)
    }


async def announcement_attachment(
    session: AsyncSession, *, announcement_id: int
) -> tuple[str, bytes] | None:
    row = (
        await session.execute(
            select(Announcement.attachment_name, Announcement.attachment).where(
                Announcement.id == announcement_id
            )
        )
    ).one_or_none()
    if row is None or row.attachment is None:
        return None
    return (row.attachment_name or "attachment", row.attachment)


async def finish_announcements(
    session: AsyncSession, *, announcement_ids: Iterable[int], now: datetime
) -> set[int]:
    """Stamp `finished_at` on each announcement none of whose deliveries is pending any more;
    returns the ids that are still unfinished."""
    ids = sorted(set(announcement_ids))
    if not ids:
        return set()
    still_pending = exists().where(
        Delivery.announcement_id == Announcement.id, Delivery.status == PENDING
    )
    await session.execute(
        update(Announcement)
        .where(Announcement.id.in_(ids), Announcement.finished_at.is_(None), ~still_pending)
        .values(finished_at=now)
        .execution_options(synchronize_session=False)
    )
    unfinished = select(Announcement.id).where(
        Announcement.id.in_(ids), Announcement.finished_at.is_(None)
    )
    return set((await session.execute(unfinished)).scalars())


async def outbox_backlog(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many deliveries wait in the outbox, and when the oldest of them was written."""
    row = (
        await session.execute(
            select(func.count(Delivery.id), func.min(Delivery.created_at)).where(
                Delivery.status == PENDING
            )
        )
    ).one()
    oldest = row[1]
    if isinstance(oldest, str):  # SQLite's aggregate skips the column type
        oldest = datetime.fromisoformat(oldest)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return int(row[0]), oldest
