"""The delivery worker's knobs, with defaults derived from the settings, and its counters."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from bot.config import Settings

TELEGRAM_FREE_RATE = 30.0  # messages per second without paid broadcasts


@dataclass(frozen=True)
class DeliveryOptions:
    rate: float = TELEGRAM_FREE_RATE  # global messages per second
    allow_paid_broadcast: bool = False  # pass allow_paid_broadcast=True (up to 1000/s, paid)
    concurrency: int = 0  # requests in flight at once; 0: derived from the rate
    claim_size: int = 0  # rows taken from the database at once; 0: derived from the rate
    poll_interval: float = 0.5  # seconds between looks at the database when not woken
    lease: float = 60.0  # seconds a claim lasts unless renewed (renewed every third of it)
    max_attempts: int = 8  # transient failures before a delivery is given up as failed
    backoff_base: float = 2.0  # seconds before the first retry; doubled per attempt
    backoff_cap: float = 300.0
    private_per_second: float = 1.0  # Telegram: one message per second per private chat
    group_per_minute: float = 20.0  # Telegram: 20 messages per minute per group
    stop_timeout: float = 10.0  # how long stop() waits for requests in flight

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> DeliveryOptions:
        options = cls(
            rate=settings.delivery_rate,
            allow_paid_broadcast=settings.allow_paid_broadcast,
            lease=settings.delivery_lease,
        )
        return replace(options, **overrides)

    @property
    def slots(self) -> int:
        # Enough requests in flight to reach the rate with ~⅓ s per request (Telegram from
        # Europe takes 50–300 ms), capped so a paid 1000/s does not open 300 connections.
        return self.concurrency or max(4, min(100, math.ceil(self.rate / 3)))

    @property
    def batch(self) -> int:
        # About two seconds' worth, at least two per slot.
        return self.claim_size or max(2 * self.slots, min(500, math.ceil(self.rate * 2)))


@dataclass
class DeliveryStats:
    """What the worker did since it started (for tests, benchmarks and logs)."""

    looks: int = 0  # times the worker looked at the outbox for due rows
    sent: int = 0  # messages accepted by Telegram
    rows_sent: int = 0  # outbox rows in them (combined notices count each)
    rate_limited: int = 0  # RetryAfter answers
    retried: int = 0  # transient failures that will be tried again
    failed: int = 0  # rows given up: BadRequest, or too many transient failures
    unreachable: int = 0  # rows refused with Forbidden
