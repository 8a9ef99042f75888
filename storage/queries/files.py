"""Documents (Anlagen) of papers: the content is loaded only when it is sent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import File


async def file_content(session: AsyncSession, *, file_id: int) -> tuple[str, bytes] | None:
    """A stored File as (file name, bytes), or None."""
    row = (
        await session.execute(select(File.file_name, File.content).where(File.id == file_id))
    ).one_or_none()
    return None if row is None else (row.file_name, row.content)
