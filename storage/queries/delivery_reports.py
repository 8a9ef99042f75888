"""Read-only queries about deliveries: counts per status, who was not reached and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryStatus, GroupChat, Person


async def status_counts(
    session: AsyncSession, *, announcement_id: int | None = None
) -> dict[DeliveryStatus, int]:
    """How many deliveries are in each status (of one announcement, or all)."""
    query = select(Delivery.status, func.count()).group_by(Delivery.status)
    if announcement_id is not None:
        query = query.where(Delivery.announcement_id == announcement_id)
    counts = dict.fromkeys(DeliveryStatus, 0)
    for status, count in await session.execute(query):
        counts[DeliveryStatus(status)] = int(count)
    return counts


@dataclass(frozen=True)
class DeliveryLine:
    """One delivery not (yet) delivered, with the recipient's name where known."""

    delivery_id: int
    chat_id: int
    person_id: int | None
    name: str | None  # the person's name or the group's title
    kind: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


async def deliveries_in(
    session: AsyncSession,
    *,
    statuses: Sequence[DeliveryStatus],
    announcement_id: int | None = None,
    limit: int | None = None,
) -> list[DeliveryLine]:
    """Deliveries in the given statuses, oldest first, with the recipient's name."""
    query = (
        select(
            Delivery.id,
            Delivery.chat_id,
            Delivery.person_id,
            func.coalesce(Person.name, GroupChat.title).label("name"),
            Delivery.kind,
            Delivery.status,
            Delivery.attempts,
            Delivery.next_attempt_at,
            Delivery.last_error,
        )
        .outerjoin(Person, Person.id == Delivery.person_id)
        .outerjoin(GroupChat, GroupChat.chat_id == Delivery.chat_id)
        .where(Delivery.status.in_(list(statuses)))
        .order_by(Delivery.id)
    )
    if announcement_id is not None:
        query = query.where(Delivery.announcement_id == announcement_id)
    if limit is not None:
        query = query.limit(limit)
    return [
        DeliveryLine(
            delivery_id=row.id,
            chat_id=row.chat_id,
            person_id=row.person_id,
            name=row.name,
            kind=row.kind,
            status=DeliveryStatus(row.status),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            last_error=row.last_error,
        )
        for row in await session.execute(query)
    ]


@dataclass(frozen=True)
class UnreachablePerson:
    person_id: int
    name: str
    reason: str | None
    undelivered: int  # deliveries that ended unreachable


async def unreachable_persons(session: AsyncSession) -> list[UnreachablePerson]:
    """Members Telegram refused to deliver to (blocked the bot, deleted the account), by name."""
    undelivered = (
        select(func.count())
        .where(
            Delivery.person_id == Person.id,
            Delivery.status == DeliveryStatus.UNREACHABLE,
        )
        .scalar_subquery()
    )
    query = (
        select(Person.id, Person.name, Person.unreachable_reason, undelivered.label("undelivered"))
        .where(Person.reachable.is_(False), Person.erased_at.is_(None))
        .order_by(Person.name)
    )
    return [
        UnreachablePerson(row.id, row.name, row.unreachable_reason, int(row.undelivered))
        for row in await session.execute(query)
    ]
