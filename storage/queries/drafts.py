"""Document drafts (a Vorlage read from a document, per chat, until published or dropped)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DocumentDraft


async def draft_of_chat(session: AsyncSession, *, chat_id: int) -> DocumentDraft | None:
    query = select(DocumentDraft).where(DocumentDraft.chat_id == chat_id)
    return (await session.execute(query)).scalar_one_or_none()


async def delete_draft(session: AsyncSession, *, chat_id: int) -> None:
    await session.execute(delete(DocumentDraft).where(DocumentDraft.chat_id == chat_id))
