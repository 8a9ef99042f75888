"""An in-process cache of rendered feeds, each valid for one exact version of its data.

Calendar clients poll every hour and mostly get "304 Not Modified". The version of a feed
is its change counters (storage/feed_versions.py: raised in the same transaction as every
change a feed could show) plus the render settings, so looking it up costs one small query
whatever the size of the feed.

Two maps: the validators (ETag, Last-Modified) of many feeds, small enough to keep one for
every member, so a revalidation never renders; and the bodies of the most recently used
feeds within a byte budget. Each instance has its own cache; a second instance renders a
feed once per version on its own and arrives at the same bytes and the same ETag.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

MAX_VALIDATORS = 200_000  # a few hundred bytes each: every member of a large deployment
MAX_BODY_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Feed:
    """A rendered feed and its HTTP validators (what is cached)."""

    body: bytes
    etag: str  # strong validator: the quoted SHA-256 of the body
    last_modified: datetime | None  # newest change of anything shown; None when empty
    personal: bool


@dataclass(frozen=True)
class Validators:
    """What a conditional request is decided by, without the body."""

    etag: str
    last_modified: datetime | None
    personal: bool


class FeedCache:
    """Least-recently-used maps from a feed's key to its last rendering and its validators."""

    def __init__(
        self, max_validators: int = MAX_VALIDATORS, max_body_bytes: int = MAX_BODY_BYTES
    ) -> None:
        self._validators: OrderedDict[str, tuple[int, Validators]] = OrderedDict()
        self._bodies: OrderedDict[str, tuple[int, Feed]] = OrderedDict()
        self._body_bytes = 0
        self._max_validators = max_validators
        self._max_body_bytes = max_body_bytes

    def lookup(self, key: str, version: int) -> Feed | None:
        entry = self._bodies.get(key)
        if entry is None or entry[0] != version:
            return None
        self._bodies.move_to_end(key)
        return entry[1]

    def validators(self, key: str, version: int) -> Validators | None:
        entry = self._validators.get(key)
        if entry is None or entry[0] != version:
            return None
        self._validators.move_to_end(key)
        return entry[1]

    def store(self, key: str, version: int, feed: Feed) -> None:
        self._validators[key] = (
            version,
            Validators(feed.etag, feed.last_modified, feed.personal),
        )
        self._validators.move_to_end(key)
        while len(self._validators) > self._max_validators:
            self._validators.popitem(last=False)
        old = self._bodies.pop(key, None)
        if old is not None:
            self._body_bytes -= len(old[1].body)
        self._bodies[key] = (version, feed)
        self._body_bytes += len(feed.body)
        while self._body_bytes > self._max_body_bytes and len(self._bodies) > 1:
            _, (_, dropped) = self._bodies.popitem(last=False)
            self._body_bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._validators)


def version_of(*parts: object) -> int:
    """The version hash of a feed's change counters and render settings."""
    return hash(tuple(tuple(part) if isinstance(part, list) else part for part in parts))
