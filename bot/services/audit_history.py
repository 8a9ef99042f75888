"""The Änderungsverlauf for reading: the latest entries, with the names of the organizations
that entries mention only by key (a broadcast to one faction stores 'faction:KEY'), looked up
once for all entries so that the view can name them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.broadcast import Audience, AudienceChoice
from bot.values.audit import AuditHistory
from storage.models import AuditEntry
from storage.queries import audit
from storage.queries.organizations import names_by_key


def _faction_key(entry: AuditEntry) -> str | None:
    """The faction a broadcast went to, from its stored audience ('faction:spd')."""
    stored = (entry.data or {}).get("audience") if entry.action == "broadcast" else None
    if not isinstance(stored, str):
        return None
    try:
        choice = AudienceChoice.parse(stored)
    except UserError:  # an audience this version does not know: shown as stored
        return None
    return choice.faction_key if choice.audience is Audience.FACTION else None


async def audit_history(session: AsyncSession, *, limit: int) -> AuditHistory:
    """The latest `limit` entries, newest first, and the organization names they need."""
    entries = await audit.entries(session, limit=limit)
    keys = {key for entry in entries if (key := _faction_key(entry))}
    return AuditHistory(entries, await names_by_key(session, keys=keys))
