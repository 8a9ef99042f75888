"""OParl sync (issue 14): follow the council's information system.

    result = await sync_oparl(sessions, settings=settings, notifier=..., full=False)

Modules: `client` (HTTP with retries), `values` (reading real servers' values), `lists`
(walking paged lists), `mapping` (OParl → the importer's items), `apply` with `state`, `papers`
and `meetings` (page-wise upsert through the importer), `service` (one sync: body, lists,
notices, cursor, lock), `files` (a synced document fetched on a member's tap).
"""

from bot.services.oparl.client import OParlClient, ServerDown
from bot.services.oparl.lists import ListProgress
from bot.services.oparl.service import SyncBusy, SyncConfigError, SyncResult, sync_oparl

__all__ = [
    "ListProgress",
    "OParlClient",
    "ServerDown",
    "SyncBusy",
    "SyncConfigError",
    "SyncResult",
    "sync_oparl",
]
