"""Telegram-like flood limits as token buckets.

Only message-sending methods count (``send*`` except sendChatAction, ``copyMessage``,
``forwardMessage``); edits, callback answers and everything else are not limited. A send must
pass the global bucket and the bucket of its chat; a refused send consumes nothing.

The numbers are read from :class:`RateLimits` on every check, so a test can change them while the
server runs (``api.limits.private_burst = 1``) or switch limiting off (``api.limits.enabled =
False``) for a benchmark baseline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class RateLimits:
    """Flood limits; ``*_burst`` is how many sends may go out at once before the rate applies."""

    enabled: bool = True
    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3  # so a bot answering with two messages in a row is fine
    group_per_minute: float = 20.0
    group_burst: int = 20

    @classmethod
    def strict(cls) -> RateLimits:
        """Telegram's documented numbers taken literally: 1/s per private chat, no burst."""
        return cls(private_burst=1, global_burst=30, group_burst=20)

    @classmethod
    def off(cls) -> RateLimits:
        return cls(enabled=False)


def is_send_method(method: str) -> bool:
    """Whether a (lower-case) method sends a message and so counts for limits and faults."""
    name = method.lower()
    if name == "sendchataction":
        return False
    return name.startswith("send") or name in {
        "copymessage",
        "copymessages",
        "forwardmessage",
        "forwardmessages",
    }


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Decides whether a send to a chat may go out now, or after how many seconds."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._buckets: dict[object, _Bucket] = {}

    def reset(self) -> None:
        self._buckets.clear()

    def _rate_and_burst(self, key: object, is_group: bool) -> tuple[float, int]:
        limits = self.limits
        if key == "global":
            return limits.global_per_second, limits.global_burst
        if is_group:
            return limits.group_per_minute / 60.0, limits.group_burst
        return limits.private_per_second, limits.private_burst

    def _level(self, key: object, rate: float, burst: int, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(burst), now)
        bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
        bucket.updated = now
        return bucket

    def acquire(self, chat_id: int, is_group: bool) -> int:
        """Take one send for ``chat_id``; returns 0, or the retry_after seconds if refused."""
        if not self.limits.enabled:
            return 0
        now = self.clock()
        wait = 0.0
        buckets = []
        for key in ("global", chat_id):
            rate, burst = self._rate_and_burst(key, is_group)
            if rate <= 0 or burst <= 0:
                continue  # a zero limit means "unlimited" for that bucket
            bucket = self._level(key, rate, burst, now)
            buckets.append(bucket)
            if bucket.tokens < 1.0:
                wait = max(wait, (1.0 - bucket.tokens) / rate)
        if wait > 0:
            return max(1, math.ceil(wait - 1e-9))
        for bucket in buckets:
            bucket.tokens -= 1.0
        return 0
