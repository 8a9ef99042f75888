"""The audit log: who invited, removed, promoted, published or broadcast what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Person

CLI_ACTOR = "Kommandozeile"


async def record(
    session: AsyncSession,
    *,
    actor: Person | None,
    action: str,
    detail: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add an entry; `actor=None` means the shell (CLI)."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_name=actor.name if actor else CLI_ACTOR,
        action=action,
        detail=detail,
        data=data,
    )
    if at is not None:
        entry.at = at
    session.add(entry)
    await session.flush()
    return entry


async def entries(
    session: AsyncSession, *, limit: int = 100, actor_id: int | None = None
) -> list[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    return list((await session.execute(query)).scalars())
