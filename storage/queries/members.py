"""Queries about persons and their membership in the steering group."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Membership, Organization, OrganizationKind, Person
from storage.queries.organizations import of_kind


async def organization_by_key(session: AsyncSession, *, key: str) -> Organization | None:
    return (
        await session.execute(select(Organization).where(Organization.key == key))
    ).scalar_one_or_none()


def active_member_ids(group_key: str, today: date) -> Select[int]:
    """Ids of persons with a membership in the group that has started and not ended."""
    return (
        select(Membership.person_id)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(
            Organization.key == group_key,
            Membership.start_date <= today,
            or_(Membership.end_date.is_(None), Membership.end_date > today),
        )
    )


async def active_members(
    session: AsyncSession, *, group_key: str, today: date, linked_only: bool = False
) -> list[Person]:
    """Current members of the group, ordered by name."""
    query = select(Person).where(
        Person.id.in_(active_member_ids(group_key, today)), Person.erased_at.is_(None)
    )
    if linked_only:
        query = query.where(Person.telegram_user_id.is_not(None))
    return list((await session.execute(query.order_by(Person.name))).scalars().unique())


async def member_by_telegram_id(
    session: AsyncSession, *, telegram_user_id: int, group_key: str, today: date
) -> Person | None:
    """The linked person with a current membership, or None for anyone else."""
    query = select(Person).where(
        and_(
            Person.telegram_user_id == telegram_user_id,
            Person.erased_at.is_(None),
            Person.id.in_(active_member_ids(group_key, today)),
        )
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def person_by_id(session: AsyncSession, *, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


async def person_by_telegram_id(session: AsyncSession, *, telegram_user_id: int) -> Person | None:
    """Any person linked to this Telegram account, current member or not."""
    query = select(Person).where(Person.telegram_user_id == telegram_user_id)
    return (await session.execute(query)).unique().scalar_one_or_none()


async def open_memberships(
    session: AsyncSession, *, person_id: int, group_key: str
) -> list[Membership]:
    query = (
        select(Membership)
        .join(Organization, Membership.organization_id == Organization.id)
        .where(
            Membership.person_id == person_id,
            Organization.key == group_key,
            Membership.end_date.is_(None),
        )
    )
    return list((await session.execute(query)).scalars().unique())


async def memberships_of(session: AsyncSession, *, person_id: int) -> list[Membership]:
    query = (
        select(Membership)
        .where(Membership.person_id == person_id)
        .order_by(Membership.start_date, Membership.id)
    )
    return list((await session.execute(query)).scalars().unique())


async def count_admins(session: AsyncSession, *, group_key: str, today: date) -> int:
    members = await active_members(session, group_key=group_key, today=today)
    return sum(1 for person in members if person.is_admin)


async def lock_admins(session: AsyncSession, *, group_key: str, today: date) -> list[int]:
    """Ids of the current administrators, their rows locked until the transaction ends
    (`SELECT … FOR UPDATE` on PostgreSQL; SQLite serializes writers anyway). The
    last-administrator guard counts these, so two administrators taking each other's rights at
    once cannot both pass: the second waits and then counts again."""
    query = (
        select(Person.id)
        .where(
            Person.is_admin.is_(True),
            Person.erased_at.is_(None),
            Person.id.in_(active_member_ids(group_key, today)),
        )
        .order_by(Person.id)
        .with_for_update(of=Person)
    )
    return list((await session.execute(query)).scalars())


async def reload_person(session: AsyncSession, *, person_id: int) -> Person | None:
    """The person as stored now, inside the caller's transaction (not a copy from an earlier
    session): rights are checked on this."""
    return await session.get(Person, person_id, populate_existing=True)


async def departments(session: AsyncSession) -> list[Organization]:
    return await of_kind(session, kind=OrganizationKind.DEPARTMENT)


async def unlinked_members(session: AsyncSession, *, group_key: str, today: date) -> list[Person]:
    """Current members who never linked their Telegram account, ordered by name."""
    query = select(Person).where(
        Person.id.in_(active_member_ids(group_key, today)),
        Person.erased_at.is_(None),
        Person.telegram_user_id.is_(None),
    )
    return list((await session.execute(query.order_by(Person.name))).scalars().unique())


async def members_named(
    session: AsyncSession, *, name: str, group_key: str, today: date
) -> list[Person]:
    """Current members whose name equals `name`, ignoring case and spacing."""
    wanted = " ".join(name.split()).casefold()
    members = await active_members(session, group_key=group_key, today=today)
    return [person for person in members if " ".join(person.name.split()).casefold() == wanted]


async def factions(session: AsyncSession) -> list[Organization]:
    return await of_kind(session, kind=OrganizationKind.FACTION)


async def current_admins(session: AsyncSession, *, group_key: str, today: date) -> list[Person]:
    """Linked administrators with a current membership."""
    members = await active_members(session, group_key=group_key, today=today, linked_only=True)
    return [person for person in members if person.is_admin]
