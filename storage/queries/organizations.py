"""Organizations by kind: committees (Gremien), factions (Fraktionen), departments."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Organization, OrganizationKind


async def of_kind(session: AsyncSession, *, kind: OrganizationKind) -> list[Organization]:
    query = select(Organization).where(Organization.kind == kind).order_by(Organization.name)
    return list((await session.execute(query)).scalars())
