"""Organizations by kind: committees (Gremien), factions (Fraktionen), departments."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Meeting, Organization, OrganizationKind


async def of_kind(session: AsyncSession, *, kind: OrganizationKind) -> list[Organization]:
    query = select(Organization).where(Organization.kind == kind).order_by(Organization.name)
    return list((await session.execute(query)).scalars())


async def by_id(
    session: AsyncSession, *, organization_id: int, kind: OrganizationKind
) -> Organization | None:
    """An organization of `kind` by its id (buttons carry ids: keys may be long)."""
    organization = await session.get(Organization, organization_id)
    return organization if organization is not None and organization.kind == kind else None


async def lock_organization(session: AsyncSession, *, key: str) -> None:
    """Hold the organization's row until the transaction ends (PostgreSQL; SQLite has one
    writer at a time): changes that count its members, such as "not the last administrator",
    are then made one after the other, also when chats are handled in parallel."""
    await session.execute(select(Organization.id).where(Organization.key == key).with_for_update())


async def names_by_key(session: AsyncSession, *, keys: Collection[str]) -> dict[str, str]:
    """The names of the organizations with these keys; a key that names none is left out."""
    if not keys:
        return {}
    query = select(Organization.key, Organization.name).where(Organization.key.in_(keys))
    return {key: name for key, name in (await session.execute(query)).all()}


async def all_organizations(session: AsyncSession) -> list[Organization]:
    query = select(Organization).order_by(Organization.kind, Organization.name)
    return list((await session.execute(query)).scalars())


async def meeting_between(
    session: AsyncSession, *, organization_id: int, start: datetime, end: datetime
) -> Meeting | None:
    """The first meeting of an organization starting in [start, end), cancelled ones last."""
    query = (
        select(Meeting)
        .where(
            Meeting.organization_id == organization_id,
            Meeting.start >= start,
            Meeting.start < end,
        )
        .order_by(Meeting.cancelled, Meeting.start)
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()
