"""Waiting in tests: always for a condition, always with a deadline, never for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def until(
    condition: Callable[[], bool | Awaitable[bool]],
    *,
    what: str,
    timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for the whole wait, not one call
    interval: float = 0.01,
) -> None:
    """Return as soon as `condition()` is true; fail the test with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s in vain for: {what}")
        await asyncio.sleep(interval)
