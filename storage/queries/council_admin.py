"""Queries for administering council data in the chat: choices offered by buttons, free keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import File, Meeting, Organization
from storage.queries.council import Page


async def organization_by_id(session: AsyncSession, *, organization_id: int) -> Organization | None:
    return await session.get(Organization, organization_id)


async def meeting_keys_with_prefix(session: AsyncSession, *, prefix: str) -> set[str]:
    query = select(Meeting.key).where(Meeting.key.startswith(prefix, autoescape=True))
    return set((await session.execute(query)).scalars())


async def changeable_meetings(
    session: AsyncSession, *, now: datetime, limit: int, offset: int = 0
) -> Page[Meeting]:
    """Meetings that are neither over nor cancelled, soonest first: those one may still move
    or cancel."""
    filters = [
        Meeting.cancelled.is_(False),
        or_(Meeting.start >= now, and_(Meeting.end.is_not(None), Meeting.end > now)),
    ]
    total = (
        await session.execute(select(func.count()).select_from(Meeting).where(*filters))
    ).scalar_one()
    query = (
        select(Meeting)
        .where(*filters)
        .order_by(Meeting.start, Meeting.id)
        .limit(limit)
        .offset(offset)
    )
    items = list((await session.execute(query)).unique().scalars())
    return Page(items=items, total=total, offset=offset, limit=limit)


async def file_hashes(session: AsyncSession, *, paper_id: int) -> set[str]:
    """SHA-256 of the documents already attached to a paper (their content stays unloaded)."""
    query = select(File.sha256).where(File.paper_id == paper_id)
    return set((await session.execute(query)).scalars())
