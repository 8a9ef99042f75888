"""The OParl sync's write-behind (bot/services/oparl/writes.py): queued writes run only once
started, in the order queued, while the caller goes on; their error reaches the caller; a
failed sync waits for a write in progress before it rolls back."""

from __future__ import annotations

import asyncio

import pytest

from bot.services.oparl.writes import Write, WriteBehind


def recorder(log: list[str], name: str, gate: asyncio.Event | None = None) -> Write:
    async def write() -> None:
        log.append(f"{name} begins")
        if gate is not None:
            await gate.wait()
        log.append(f"{name} ends")

    return write


async def test_queued_writes_run_once_started_in_order_while_the_caller_goes_on() -> None:
    log: list[str] = []
    gate = asyncio.Event()
    writes = WriteBehind()
    writes.later(recorder(log, "papers", gate))
    writes.later(recorder(log, "consultations"))
    await asyncio.sleep(0)
    assert log == []  # queued, not started
    writes.start()
    await asyncio.sleep(0)
    log.append("next batch built")  # the caller goes on while the first write waits
    gate.set()
    await asyncio.wait_for(writes.done(), timeout=10)
    assert log == [
        "papers begins",
        "next batch built",
        "papers ends",
        "consultations begins",
        "consultations ends",
    ]


async def test_a_failed_write_reaches_the_caller() -> None:
    async def failing() -> None:
        raise ConnectionError("the database went away")

    writes = WriteBehind()
    writes.later(failing)
    with pytest.raises(ConnectionError, match="went away"):
        await asyncio.wait_for(writes.flush(), timeout=10)


async def test_abandon_waits_for_the_write_in_progress_and_drops_the_rest() -> None:
    log: list[str] = []
    gate = asyncio.Event()
    writes = WriteBehind()
    writes.later(recorder(log, "meetings", gate))
    writes.start()
    writes.later(recorder(log, "never"))
    await asyncio.sleep(0)
    abandoning = asyncio.create_task(writes.abandon())
    await asyncio.sleep(0)
    assert not abandoning.done()  # the session is still in use by the write
    gate.set()
    await asyncio.wait_for(abandoning, timeout=10)
    assert log == ["meetings begins", "meetings ends"]
    await writes.flush()  # nothing left queued
    assert log == ["meetings begins", "meetings ends"]


async def test_abandon_cancelled_meanwhile_still_waits_for_the_write_then_says_so() -> None:
    log: list[str] = []
    gate = asyncio.Event()
    writes = WriteBehind()
    writes.later(recorder(log, "agenda items", gate))
    writes.start()
    await asyncio.sleep(0)
    abandoning = asyncio.create_task(writes.abandon())
    await asyncio.sleep(0)
    abandoning.cancel()  # the sync is cancelled while it waits for the write
    for _ in range(10):
        await asyncio.sleep(0)
    assert not abandoning.done()  # a rollback now would break the connection
    gate.set()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(abandoning, timeout=10)
    assert log == ["agenda items begins", "agenda items ends"]


async def test_abandon_keeps_a_failed_write_to_itself() -> None:
    async def failing() -> None:
        raise ConnectionError("the database went away")

    writes = WriteBehind()
    writes.later(failing)
    writes.start()
    await asyncio.wait_for(writes.abandon(), timeout=10)  # the sync's own error is reported
