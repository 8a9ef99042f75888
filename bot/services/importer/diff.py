"""Assign a value only when it differs, recording the difference for the change report.

An attribute that is never assigned is never written, so an unchanged row keeps its
`updated_at` (which drives the calendar's DTSTAMP and Last-Modified).
"""

from __future__ import annotations

from typing import Any

from bot.services.importer.report import FieldChange
from storage.models import Organization


def assign(target: object, attribute: str, new: Any, changes: list[FieldChange]) -> None:
    """Set `attribute` only if it differs, and record the old and new value."""
    old = getattr(target, attribute)
    if old != new:
        setattr(target, attribute, new)
        changes.append(FieldChange(attribute, old, new))


def assign_organization(
    target: object, relation: str, new: Organization | None, changes: list[FieldChange]
) -> None:
    """Set a relation to an organization if it differs; the report shows keys, not ids."""
    old: Organization | None = getattr(target, relation)
    if (old.id if old else None) != (new.id if new else None):
        setattr(target, relation, new)
        changes.append(FieldChange(relation, old.key if old else None, new.key if new else None))


def list_as_text(value: list[Any]) -> str:
    """A JSON list field (a paper's history, its Anlagen) as one line for a change report."""
    return "; ".join(
        " ".join(str(part) for part in entry.values() if part)
        if isinstance(entry, dict)
        else str(entry)
        for entry in value
    )
