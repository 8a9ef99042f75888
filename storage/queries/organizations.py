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
