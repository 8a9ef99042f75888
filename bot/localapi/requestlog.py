"""The request log: every Bot API call the bot made, with its outcome, for tests and benchmarks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestRecord:
    """One answered request. ``started`` is ``time.monotonic()`` when it arrived."""

    method: str  # canonical spelling, e.g. "sendMessage" (as sent, if unknown)
    chat_id: int | None
    started: float
    duration: float
    status: int
    description: str | None = None  # the error description, for failed requests
    injected: bool = False  # answered by an injected fault


class RequestLog:
    """Append-only list of :class:`RequestRecord` with counting helpers."""

    def __init__(self) -> None:
        self.records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        self.records.append(record)

    def clear(self) -> None:
        self.records.clear()

    def __len__(self) -> int:
        return len(self.records)

    def select(
        self,
        *,
        method: str | None = None,
        status: int | None = None,
        chat_id: int | None = None,
        injected: bool | None = None,
    ) -> list[RequestRecord]:
        wanted = method.lower() if method else None
        return [
            r
            for r in self.records
            if (wanted is None or r.method.lower() == wanted)
            and (status is None or r.status == status)
            and (chat_id is None or r.chat_id == chat_id)
            and (injected is None or r.injected == injected)
        ]

    def count(
        self,
        *,
        method: str | None = None,
        status: int | None = None,
        chat_id: int | None = None,
        injected: bool | None = None,
    ) -> int:
        return len(self.select(method=method, status=status, chat_id=chat_id, injected=injected))

    def status_counts(self) -> Counter[int]:
        return Counter(r.status for r in self.records)

    def method_counts(self) -> Counter[str]:
        return Counter(r.method for r in self.records)

    @property
    def too_many_requests(self) -> int:
        """How many 429 answers were given (limiter and injected together)."""
        return self.count(status=429)
