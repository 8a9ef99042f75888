"""Telegram group chats connected to the steering group (notices go there too)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import GroupChat


async def group_by_chat_id(session: AsyncSession, *, chat_id: int) -> GroupChat | None:
    query = select(GroupChat).where(GroupChat.chat_id == chat_id)
    return (await session.execute(query)).scalar_one_or_none()


async def active_groups(session: AsyncSession) -> list[GroupChat]:
    query = select(GroupChat).where(GroupChat.active.is_(True)).order_by(GroupChat.id)
    return list((await session.execute(query)).scalars())
