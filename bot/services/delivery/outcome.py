"""What an attempt to send came to, from Telegram's answer or error (DESIGN section 6).

| error | meaning | what the worker does |
|---|---|---|
| RetryAfter | flood limit for this chat (or globally) | only this chat waits `retry_after` |
| ChatMigrated | a group became a supergroup | send again to the new chat id |
| Forbidden | blocked, account deleted, kicked from the group | unreachable, never retried |
| BadRequest | chat not found, message malformed | failed with the reason, not retried |
| TimedOut, NetworkError (incl. 5xx), anything else | transient | retried with backoff, bounded |

BadRequest and TimedOut are subclasses of NetworkError in python-telegram-bot, so the order of
the checks below matters.
"""

from __future__ import annotations

import random
import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning


class Verdict(Enum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"
    MIGRATED = "migrated"
    UNREACHABLE = "unreachable"
    FAILED = "failed"
    TRANSIENT = "transient"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str = ""
    message_id: int | None = None
    retry_after: float = 0.0
    new_chat_id: int | None = None


def _retry_after_seconds(error: RetryAfter) -> float:
    # PTB 22 warns on reading retry_after as an int unless PTB_TIMEDELTA is set; both work here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(error: BaseException) -> Outcome:
    if isinstance(error, RetryAfter):
        seconds = max(1.0, _retry_after_seconds(error))
        return Outcome(
            Verdict.RETRY_AFTER, f"Too Many Requests: retry after {seconds:g}", retry_after=seconds
        )
    if isinstance(error, ChatMigrated):
        return Outcome(
            Verdict.MIGRATED, f"chat migrated to {error.new_chat_id}", new_chat_id=error.new_chat_id
        )
    if isinstance(error, Forbidden):
        return Outcome(Verdict.UNREACHABLE, error.message)
    if isinstance(error, BadRequest):
        return Outcome(Verdict.FAILED, error.message)
    if isinstance(error, TelegramError):
        return Outcome(Verdict.TRANSIENT, f"{type(error).__name__}: {error.message}")
    return Outcome(Verdict.TRANSIENT, f"{type(error).__name__}: {error}")


def backoff(attempt: int, *, base: float, cap: float) -> float:
    """Seconds before retry number `attempt` (1, 2, …): exponential with "equal jitter".

    Half of the exponential delay is kept, the other half drawn at random, so the retries of
    many messages failed together spread out instead of hitting Telegram at once again.
    """
    delay: float = min(cap, base * 2.0 ** max(0, attempt - 1))
    return delay / 2 + random.uniform(0, delay / 2)
