"""Invitations: stored by the hash of their token only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Invite


async def invite_by_hash(session: AsyncSession, *, token_hash: str) -> Invite | None:
    query = select(Invite).where(Invite.token_hash == token_hash)
    return (await session.execute(query)).unique().scalar_one_or_none()


async def invites_for(session: AsyncSession, *, person_id: int) -> list[Invite]:
    query = select(Invite).where(Invite.person_id == person_id).order_by(Invite.id)
    return list((await session.execute(query)).scalars().unique())


async def claim_invite(session: AsyncSession, *, invite_id: int, now: datetime) -> bool:
    """Mark the invitation used if it still is open; False when another claim came first.

    One conditional UPDATE: of two accounts opening a forwarded link at the same moment, only
    the one whose UPDATE finds it still unused gets in.
    """
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite_id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
