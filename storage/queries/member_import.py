"""Bulk look-ups for importing many members at once (bot/services/importer/members.py).

One query per kind of look-up for the whole file, in chunks that stay below every driver's
limit on bound parameters, instead of three queries per member.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from datetime import date
from typing import TypeVar

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.feed_versions import PEOPLE, raise_versions
from storage.models import Membership, Organization, Person

CHUNK = 1000
T = TypeVar("T")


def _chunks(values: Collection[T]) -> Iterator[Sequence[T]]:
    ordered = list(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


async def persons_by_telegram_ids(
    session: AsyncSession, *, telegram_user_ids: Collection[int]
) -> dict[int, Person]:
    """Persons linked to these Telegram accounts, current members or not."""
    found: dict[int, Person] = {}
    for chunk in _chunks(telegram_user_ids):
        query = select(Person).where(Person.telegram_user_id.in_(chunk))
        for person in (await session.execute(query)).scalars().unique():
            assert person.telegram_user_id is not None
            found[person.telegram_user_id] = person
    return found


async def persons_by_names(
    session: AsyncSession, *, names: Collection[str]
) -> dict[str, list[Person]]:
    """Not-erased persons with these names, oldest first per name."""
    found: dict[str, list[Person]] = defaultdict(list)
    for chunk in _chunks(names):
        query = (
            select(Person)
            .where(Person.name.in_(chunk), Person.erased_at.is_(None))
            .order_by(Person.id)
        )
        for person in (await session.execute(query)).scalars().unique():
            found[person.name].append(person)
    return found


async def persons_with_open_membership(session: AsyncSession, *, group_key: str) -> set[int]:
    """Ids of persons with a membership in the group that has not ended."""
    query = (
        select(Membership.person_id)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(Organization.key == group_key, Membership.end_date.is_(None))
    )
    return set((await session.execute(query)).scalars())


async def reserve_person_ids(session: AsyncSession, *, count: int) -> list[int]:
    """`count` new person ids, so that new persons are inserted in one batch (an INSERT that
    has to return each generated id is sent row by row).

    PostgreSQL: from the table's sequence, safe with concurrent writers. SQLite: after the
    largest id, as SQLite itself would choose; the write first takes SQLite's one write lock,
    so no other writer can take these ids before this transaction ends.
    """
    if count <= 0:
        return []
    if (await session.connection()).dialect.name == "postgresql":
        sequence = (
            await session.execute(select(func.pg_get_serial_sequence("persons", "id")))
        ).scalar_one()
        # setval-free and safe with concurrent writers; the sequence is named once, not per row.
        query = text("SELECT nextval(CAST(:sequence AS regclass)) FROM generate_series(1, :n)")
        rows = await session.execute(query, {"sequence": sequence, "n": count})
        return [int(value) for value in rows.scalars()]
    await session.run_sync(raise_versions, [PEOPLE])  # a write: takes the lock
    largest = (await session.execute(select(func.max(Person.id)))).scalar_one_or_none() or 0
    return list(range(largest + 1, largest + 1 + count))


async def add_memberships(
    session: AsyncSession, *, person_ids: Sequence[int], organization_id: int, start_date: date
) -> None:
    """Open a membership for each person, in one batch."""
    if person_ids:
        await session.execute(
            insert(Membership),
            [
                {"person_id": pid, "organization_id": organization_id, "start_date": start_date}
                for pid in person_ids
            ],
        )
