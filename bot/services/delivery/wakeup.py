"""Waking the delivery workers of this process at once when new rows were committed.

Workers poll the database every half second anyway (which also covers rows written by other
processes); `notify()` just saves that wait. It is safe to call from any thread or event loop.
"""

from __future__ import annotations

from collections.abc import Callable

_listeners: set[Callable[[], None]] = set()


def subscribe(listener: Callable[[], None]) -> None:
    _listeners.add(listener)


def unsubscribe(listener: Callable[[], None]) -> None:
    _listeners.discard(listener)


def notify() -> None:
    """Tell every running worker of this process that new deliveries may be due."""
    for listener in list(_listeners):
        listener()
