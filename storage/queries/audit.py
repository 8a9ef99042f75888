"""The audit log (Änderungsverlauf): who invited, removed, promoted, published or broadcast
what, and when. Entries are structured — an action, its subject and details — so that they are
rendered in the reader's language (bot/views/audit.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Person

# Actors that are not persons are stored as markers and named per language when shown.
CLI_ACTOR = "@cli"  # the shell (gremienbot …)
CONFIG_ACTOR = "@config"  # the configuration (GREMIENBOT_ADMINS)


async def record(
    session: AsyncSession,
    *,
    actor: Person | None,
    action: str,
    subject: str = "",
    data: dict[str, Any] | None = None,
    detail: str = "",
    at: datetime | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Add an entry; `actor=None` means the shell (CLI) unless `actor_name` names another
    marker. `detail` is an optional English sentence for entries without a message template."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_name=actor.name if actor else (actor_name or CLI_ACTOR),
        action=action,
        subject=subject[:255],
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
