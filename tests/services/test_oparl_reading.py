"""How the sync reads a list: pages read ahead of the apply, bounded, in order, errors handed on;
and the heap set aside from the garbage collector only while a sync runs."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.services.oparl.lists import ReadAhead
from bot.services.oparl.service import heap_set_aside
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


async def test_pages_are_read_ahead_up_to_the_depth_and_given_in_order() -> None:
    source = Source(20)
    reader = ReadAhead(source.pages(), depth=3)
    # Nobody takes a page yet: the reader fills its three places (and holds a fourth).
    await until(lambda: source.read >= 4, what="pages read ahead")
    for _ in range(100):  # turns enough for a reader that would not stop to go on
        await asyncio.sleep(0)
    assert source.read == 4
    ids = [page[0]["id"] async for page in reader]
    assert ids == [f"https://ris/paper/{n}" for n in range(20)]
    await reader.close()


async def test_a_read_error_reaches_the_caller_after_the_pages_before_it() -> None:
    reader = ReadAhead(Source(5, fail_at=3).pages(), depth=8)
    taken: list[str] = []
    with pytest.raises(ConnectionError, match="server gone"):
        async for page in reader:
            taken.append(page[0]["id"])
    assert taken == [f"https://ris/paper/{n}" for n in range(3)]
    await reader.close()


async def test_closing_stops_the_reading() -> None:
    source = Source(1000)
    reader = ReadAhead(source.pages(), depth=2)
    async for _ in reader:
        break  # the caller stops early (the sync failed)
    await reader.close()
    assert source.closed and source.read < 10


def test_the_heap_is_set_aside_only_while_a_sync_runs() -> None:
    before = gc.get_freeze_count()
    with heap_set_aside():
        assert gc.get_freeze_count() > before
    assert gc.get_freeze_count() == before
    with pytest.raises(RuntimeError), heap_set_aside():
        raise RuntimeError("the sync failed")
    assert gc.get_freeze_count() == before
