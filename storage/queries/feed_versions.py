"""Read the feed change counters (storage/feed_versions.py raises them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FeedVersion


async def feed_versions(session: AsyncSession, *, scopes: list[str]) -> tuple[int, ...]:
    """The counters of `scopes`, in that order; 0 for a scope never raised."""
    rows = await session.execute(
        select(FeedVersion.scope, FeedVersion.version).where(FeedVersion.scope.in_(scopes))
    )
    found: dict[str, int] = {scope: version for scope, version in rows}
    return tuple(found.get(scope, 0) for scope in scopes)
