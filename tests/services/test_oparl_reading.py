"""How the sync reads a list: pages read ahead of the apply, bounded, in order, errors handed on;
batches of what has arrived; the apply's work in short stretches between turns of the event
loop; and the heap set aside from the garbage collector only while a sync runs."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.services.oparl.lists import TURN_SECONDS, ReadAhead, turns
from bot.services.oparl.service import SYNC_GC_THRESHOLDS, heap_set_aside
from tests.waiting import until

Page = list[dict[str, Any]]


class Source:
    """A list of `count` one-object pages that records how far it was read."""

    def __init__(self, count: int, fail_at: int | None = None) -> None:
        self.count, self.fail_at = count, fail_at
        self.read = 0
        self.closed = False

    async def pages(self) -> AsyncIterator[Page]:
        try:
            for number in range(self.count):
                if number == self.fail_at:
                    raise ConnectionError("server gone")
                self.read += 1
                yield [{"id": f"https://ris/paper/{number}"}]
                await asyncio.sleep(0)
        finally:
            self.closed = True


def same(item: dict[str, Any]) -> dict[str, Any]:
    return item


async def test_pages_are_read_ahead_up_to_the_depth_and_given_in_order() -> None:
    source = Source(20)
    decoded: list[str] = []

    def decode(item: dict[str, Any]) -> str:
        decoded.append(item["id"])
        return str(item["id"])

    reader = ReadAhead(source.pages(), decode=decode, depth=3)
    # Nobody takes a page yet: three decoded pages wait (and the decoder holds a fourth); one
    # read page waits for the decoder (and the reader holds another).
    await until(lambda: source.read >= 6, what="pages read ahead")
    for _ in range(100):  # turns enough for a reader that would not stop to go on
        await asyncio.sleep(0)
    assert source.read == 6
    # Decoded before anyone asked for them: the work is done while the caller waits.
    assert decoded == [f"https://ris/paper/{n}" for n in range(4)]
    ids = [page[0] async for page in reader.batches(objects=1)]
    assert ids == [f"https://ris/paper/{n}" for n in range(20)]
    await reader.close()


async def test_a_decode_error_reaches_the_caller_after_the_pages_before_it() -> None:
    def decode(item: dict[str, Any]) -> str:
        if item["id"].endswith("/2"):
            raise ValueError("unreadable")
        return str(item["id"])

    reader = ReadAhead(Source(5).pages(), decode=decode, depth=8)
    taken: list[str] = []
    with pytest.raises(ValueError, match="unreadable"):
        async for page in reader.batches(objects=1):
            taken += page
    assert taken == [f"https://ris/paper/{n}" for n in range(2)]
    await reader.close()


async def test_a_read_error_reaches_the_caller_after_the_pages_before_it() -> None:
    reader = ReadAhead(Source(5, fail_at=3).pages(), decode=same, depth=8)
    taken: list[str] = []
    with pytest.raises(ConnectionError, match="server gone"):
        async for page in reader.batches(objects=1):
            taken.append(page[0]["id"])
    assert taken == [f"https://ris/paper/{n}" for n in range(3)]
    await reader.close()


async def test_closing_stops_the_reading() -> None:
    source = Source(1000)
    reader = ReadAhead(source.pages(), decode=same, depth=2)
    async for _ in reader.batches(objects=1):
        break  # the caller stops early (the sync failed)
    await reader.close()
    assert source.closed and source.read < 10


async def test_a_batch_joins_the_pages_that_have_arrived_and_waits_for_no_more() -> None:
    release = asyncio.Event()

    async def pages() -> AsyncIterator[Page]:
        for number in range(7):
            if number == 3:
                await release.wait()  # the server is slow after the third page
            yield [{"id": f"https://ris/paper/{number}"}]

    decoded: list[dict[str, Any]] = []

    def decode(item: dict[str, Any]) -> dict[str, Any]:
        decoded.append(item)
        return item

    reader = ReadAhead(pages(), decode=decode, depth=8)
    batches = reader.batches(objects=5)
    await until(lambda: len(decoded) == 3, what="the first three pages read and decoded")
    first = await asyncio.wait_for(anext(batches), timeout=10)
    # Three one-object pages were there: applied now, not after two more have come.
    assert [item["id"] for item in first] == [f"https://ris/paper/{n}" for n in range(3)]
    release.set()
    rest = [batch async for batch in batches]
    assert all(len(batch) <= 5 for batch in rest)
    ids = [item["id"] for batch in rest for item in batch]
    assert ids == [f"https://ris/paper/{n}" for n in range(3, 7)]
    await reader.close()


async def test_a_batch_stops_at_the_objects_asked_for_and_errors_reach_the_caller() -> None:
    source = Source(12, fail_at=10)
    reader = ReadAhead(source.pages(), decode=same, depth=16)
    await until(lambda: source.closed, what="the list read to its error")
    batches = reader.batches(objects=4)
    assert [len(await anext(batches)) for _ in range(2)] == [4, 4]
    with pytest.raises(ConnectionError, match="server gone"):
        await anext(batches)
    await reader.close()


async def test_long_work_on_items_gives_the_event_loop_a_turn_between_items() -> None:
    others = 0

    async def reader() -> None:  # stands for the page reader, waiting for its turn
        nonlocal others
        while True:
            others += 1
            await asyncio.sleep(0)

    beside = asyncio.create_task(reader())
    await asyncio.sleep(0)
    before = others
    async for _ in turns(range(5)):
        done = time.perf_counter() + TURN_SECONDS * 3  # an item's work, longer than a stretch
        while time.perf_counter() < done:
            pass
    assert others - before >= 4
    beside.cancel()


async def test_quick_items_do_not_each_take_a_turn() -> None:
    loop_turns = 0
    original = asyncio.sleep

    async def counted(delay: float) -> None:
        nonlocal loop_turns
        loop_turns += 1
        await original(delay)

    items = 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(asyncio, "sleep", counted)
        started = time.perf_counter()
        async for _ in turns(range(10_000)):
            items += 1
        elapsed = time.perf_counter() - started
    assert items == 10_000
    # A turn per TURN_SECONDS of work at most (and one more for the last stretch begun).
    assert loop_turns <= elapsed / TURN_SECONDS + 1
    assert loop_turns < 10_000


def test_the_heap_is_set_aside_only_while_a_sync_runs() -> None:
    before, thresholds = gc.get_freeze_count(), gc.get_threshold()
    with heap_set_aside():
        assert gc.get_freeze_count() > before
        assert gc.get_threshold() == SYNC_GC_THRESHOLDS != thresholds
    assert (gc.get_freeze_count(), gc.get_threshold()) == (before, thresholds)
    with pytest.raises(RuntimeError), heap_set_aside():
        raise RuntimeError("the sync failed")
    assert (gc.get_freeze_count(), gc.get_threshold()) == (before, thresholds)
