"""The Änderungsverlauf as it is shown: its entries and the names they refer to only by key."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from storage.models import AuditEntry


@dataclass(frozen=True)
class AuditHistory:
    """Entries newest first; `organization_names` maps the organization keys the entries
    mention (a broadcast's faction, stored as 'faction:KEY') to the names they have now. A key
    without a name (the organization is gone) is shown as it is."""

    entries: list[AuditEntry]
    organization_names: Mapping[str, str] = field(default_factory=dict)
