"""A small in-process cache of rendered feeds, each valid for one exact version of its rows.

Calendar clients poll every hour and mostly get "304 Not Modified". Without a cache each
poll would render the whole feed only to hash it. The version of a feed is a hash over the
id and update time of every row it shows (plus its attendances' values and the render
settings): any insert, update or delete changes it, even one whose transaction committed
late with an older update time, which an aggregate like max(updated_at) would miss.

The hash is Python's 64-bit tuple hash, a hundred times cheaper than SHA-256 over the same
rows; a stale hit would need two states of the same feed to collide (about 1 in 2**64).
The cache belongs to one web app (one process and database); a second instance has its own.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.calendar.feeds import Feed

MAX_ENTRIES = 64  # a personal feed each for a steering group, and the public ones


@dataclass(frozen=True)
class _Entry:
    version: int
    feed: Feed


class FeedCache:
    """Least-recently-used map from a feed's key to its last rendering."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._max_entries = max_entries

    def lookup(self, key: str, version: int) -> Feed | None:
        entry = self._entries.get(key)
        if entry is None or entry.version != version:
            return None
        self._entries.move_to_end(key)
        return entry.feed

    def store(self, key: str, version: int, feed: Feed) -> None:
        self._entries[key] = _Entry(version, feed)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def version_of(*parts: object) -> int:
    """The version hash of a feed's rows and settings (see the module docstring)."""
    return hash(tuple(tuple(part) if isinstance(part, list) else part for part in parts))
