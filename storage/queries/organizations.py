"""Organizations by kind: committees (Gremien), factions (Fraktionen), departments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Organization, OrganizationKind


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
