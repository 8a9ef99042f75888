"""Connecting the steering group's Telegram group so that notices also go there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members import admin_in
from storage.models import GroupChat, Person
from storage.queries import audit
from storage.queries.groups import group_by_chat_id


async def connect_group(
    session: AsyncSession, *, actor: Person, chat_id: int, title: str, now: datetime
) -> GroupChat:
    current = await admin_in(session, actor)
    assert current is not None
    actor = current
    group = await group_by_chat_id(session, chat_id=chat_id)
    if group is None:
        group = GroupChat(chat_id=chat_id, title=title)
        session.add(group)
    group.title = title
    group.active = True
    group.connected_by_id = actor.id
    await audit.record(
        session,
        actor=actor,
        action="connect_group",
        subject=title,
        data={"chat_id": chat_id},
        at=now,
    )
    await session.flush()
    return group


async def disconnect_group(session: AsyncSession, *, chat_id: int) -> None:
    """The bot was removed from the group: stop sending there."""
    group = await group_by_chat_id(session, chat_id=chat_id)
    if group is not None:
        group.active = False
