"""Reading OParl values as real servers send them: "N/A" and "" for nothing, a single object
where a list belongs, date-times without offset (local time in GREMIENBOT_TIMEZONE)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

_NOTHING = {"", "n/a", "na", "-", "null", "none"}
_LONGEST_NOTHING = max(map(len, _NOTHING))


def text(value: Any, limit: int | None = None) -> str | None:
    """A stripped string, or None for nothing ("N/A", "", null, not a string)."""
    if not isinstance(value, str):
        return None
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        stripped = value  # the usual case: one plain space between words and none around
    else:
        stripped = " ".join(value.split())
    if len(stripped) <= _LONGEST_NOTHING and stripped.casefold() in _NOTHING:
        return None
    return stripped[:limit] if limit else stripped


def as_list(value: Any) -> list[Any]:
    """A list: a single object or URL where a list belongs becomes a list of one."""
    if value is None or (isinstance(value, str) and text(value) is None):
        return []
    if isinstance(value, list):
        return [item for item in value if item not in (None, "", {})]
    return [value]


def reference(value: Any) -> str | None:
    """An object's id: a URL string, or the `id` of an embedded object."""
    if isinstance(value, dict):
        value = value.get("id")
    if isinstance(value, str) and value.startswith("http") and value.isprintable():
        return value if " " not in value else text(value)  # the usual id: nothing to strip
    return text(value)


def when(value: Any, tz: tzinfo) -> datetime | None:
    """An aware UTC date-time; one without offset is local time in `tz`."""
    raw = text(value)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC)


def day(value: Any) -> date | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def flag(value: Any, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def is_tombstone(obj: dict[str, Any]) -> bool:
    """Deleted objects come with or without `type`, in filtered or full lists."""
    return obj.get("deleted") is True
