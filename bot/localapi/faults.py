"""Fault injection: make chosen requests fail the way Telegram sometimes does.

``api.inject(chat_id, *faults)`` queues faults for the next sends to that chat, one fault per
request, in order. ``api.inject_random(fraction, *faults, seed=…)`` gives every send (any chat)
a ``fraction`` chance of one of ``faults``, drawn from a seeded :class:`random.Random` so runs
repeat exactly. Queued faults win over random ones. By default only message-sending methods are
hit; pass ``methods=("editMessageText", …)`` to target others.

A fault answers instead of Telegram's normal processing, except :meth:`Fault.timeout`, which
first holds the request for ``seconds`` and then either processes it normally (the message *is*
delivered although the client may have given up, like a lost response) or answers an error
without delivering anything.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from bot.localapi.limits import is_send_method


@dataclass(frozen=True)
class Fault:
    """One injected failure; build it with the class methods."""

    status: int  # HTTP status answered (200 for "hang, then process normally")
    retry_after: int | None = None
    delay: float = 0.0

    @classmethod
    def too_many_requests(cls, retry_after: int = 5) -> Fault:
        """A 429 "Too Many Requests: retry after N" with ``parameters.retry_after``."""
        return cls(429, retry_after=max(1, retry_after))

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        """A 5xx answer: 500 "Internal Server Error", 502 "Bad Gateway", 503 …"""
        return cls(status)

    @classmethod
    def bad_gateway(cls) -> Fault:
        return cls(502)

    @classmethod
    def timeout(cls, seconds: float, then_status: int = 200) -> Fault:
        """Hang ``seconds``; then process normally (200) or answer ``then_status`` (e.g. 502)."""
        return cls(then_status, delay=seconds)


@dataclass(frozen=True)
class _Queued:
    fault: Fault
    methods: frozenset[str] | None


class FaultInjector:
    """Hands out the fault, if any, for each request."""

    def __init__(self) -> None:
        self._queued: dict[int, deque[_Queued]] = {}
        self._random: tuple[float, tuple[Fault, ...], random.Random, frozenset[str] | None] | None
        self._random = None

    def inject(self, chat_id: int, *faults: Fault, methods: Iterable[str] | None = None) -> None:
        names = frozenset(m.lower() for m in methods) if methods is not None else None
        queue = self._queued.setdefault(chat_id, deque())
        queue.extend(_Queued(f, names) for f in faults)

    def inject_random(
        self,
        fraction: float,
        *faults: Fault,
        seed: int = 0,
        methods: Iterable[str] | None = None,
    ) -> None:
        if not faults:
            raise ValueError("inject_random needs at least one fault")
        names = frozenset(m.lower() for m in methods) if methods is not None else None
        self._random = (fraction, faults, random.Random(seed), names)

    def clear(self) -> None:
        self._queued.clear()
        self._random = None

    def pending(self, chat_id: int) -> int:
        return len(self._queued.get(chat_id, ()))

    @staticmethod
    def _applies(method: str, methods: frozenset[str] | None) -> bool:
        return is_send_method(method) if methods is None else method in methods

    def take(self, chat_id: int | None, method: str) -> Fault | None:
        method = method.lower()
        queue = self._queued.get(chat_id) if chat_id is not None else None
        if queue and self._applies(method, queue[0].methods):
            return queue.popleft().fault
        if self._random is not None:
            fraction, faults, rng, methods = self._random
            if self._applies(method, methods) and rng.random() < fraction:
                return rng.choice(faults)
        return None
