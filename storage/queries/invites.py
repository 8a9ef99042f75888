"""Invitations: stored by the hash of their token only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite


async def invite_by_hash(session: AsyncSession, *, token_hash: str) -> Invite | None:
    query = select(Invite).where(Invite.token_hash == token_hash)
    return (await session.execute(query)).unique().scalar_one_or_none()


async def invites_for(session: AsyncSession, *, person_id: int) -> list[Invite]:
    query = select(Invite).where(Invite.person_id == person_id).order_by(Invite.id)
    return list((await session.execute(query)).scalars().unique())
