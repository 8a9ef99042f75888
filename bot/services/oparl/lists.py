"""Walking an OParl list page by page, as real servers demand.

Follow `links.next` as given and add the `modified_since` filter only when the server dropped it;
stop when a page URL repeats (some servers link the last page to itself); drop ids already seen
on an earlier page (pages shift while objects are modified); a list that ignores the filter still
gives a correct result, because applying an unchanged object changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.services.oparl.client import OParlClient
from bot.services.oparl.values import reference

JsonDict = dict[str, Any]
T = TypeVar("T")


@dataclass
class ListProgress:
    pages: int = 0
    objects: int = 0


def with_filter(url: str, name: str, value: str) -> str:
    """`url` with the query parameter `name` set, unless it has it already."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key == name for key, _ in query):
        return url
    return urlunsplit(parts._replace(query=urlencode([*query, (name, value)])))


def since_value(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


async def walk(
    client: OParlClient,
    url: str,
    *,
    since: datetime | None,
    progress: ListProgress | None = None,
) -> AsyncGenerator[list[JsonDict], None]:
    """The list's objects, one page at a time (each page deduplicated against earlier ones)."""
    filter_value = since_value(since) if since is not None else None
    next_url: str | None = url
    seen_pages: set[str] = set()
    seen_ids: set[str] = set()
    while next_url:
        if filter_value is not None:
            next_url = with_filter(next_url, "modified_since", filter_value)
        if next_url in seen_pages:
            break
        seen_pages.add(next_url)
        data = await client.get_json(next_url)
        if data is None:
            break
        items = data.get("data") if isinstance(data, dict) else data
        if isinstance(items, dict):  # a single object where a list belongs
            items = [items]
        page: list[JsonDict] = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            object_id = reference(item)
            if object_id is None or object_id in seen_ids:
                continue
            seen_ids.add(object_id)
            page.append(item)
        if progress is not None:
            progress.pages += 1
            progress.objects += len(page)
        if page:
            yield page
        links = data.get("links") if isinstance(data, dict) else None
        nxt = links.get("next") if isinstance(links, dict) else None
        next_url = nxt if isinstance(nxt, str) and nxt.strip() else None


class ReadAhead(Generic[T]):
    """A list's pages, read from the moment this is made and decoded item by item (`decode`,
    e.g. into records.PaperRecord), up to `depth` pages ahead of the caller: the sync's writes
    wait for the database, its downloads for the server, and the next list downloads while the
    current one is applied. Memory stays bounded by `depth` pages (and about four more: one
    waiting for the decoder, those the reader and the decoder hold, the batch being applied).
    `close()` stops reading (the caller stopped early or failed).

    Decoding is a stage of its own between the reader and the caller: it runs while the
    caller waits (for the database), and never holds up the next request of the reader."""

    def __init__(
        self,
        pages: AsyncGenerator[list[JsonDict], None],
        *,
        decode: Callable[[JsonDict], T],
        depth: int = 8,
    ) -> None:
        self._read_pages: asyncio.Queue[list[JsonDict] | BaseException | None] = asyncio.Queue(1)
        self._queue: asyncio.Queue[list[T] | BaseException | None] = asyncio.Queue(depth)
        self._reading = asyncio.create_task(self._read(pages))
        self._decoding = asyncio.create_task(self._decode(decode))

    async def _read(self, pages: AsyncGenerator[list[JsonDict], None]) -> None:
        try:
            async with contextlib.aclosing(pages):
                async for page in pages:
                    await self._read_pages.put(page)
            await self._read_pages.put(None)
        except Exception as error:  # handed to the caller, in order
            await self._read_pages.put(error)

    async def _decode(self, decode: Callable[[JsonDict], T]) -> None:
        while True:
            page = await self._read_pages.get()
            if page is None or isinstance(page, BaseException):
                await self._queue.put(page)
                return
            try:
                await self._queue.put([decode(item) async for item in turns(page)])
            except Exception as error:
                await self._queue.put(error)
                return

    async def batches(self, *, objects: int) -> AsyncIterator[list[T]]:
        """The pages in order, joined into batches of what has arrived, up to about `objects`
        objects (each batch is applied with a few statements, whatever the server's page
        size). A batch waits for one page at most, never for more while there is work to
        apply: at the start of a list, or when the server is slower than the sync. A read
        error reaches the caller after the pages before it."""
        while True:
            page = await self._queue.get()
            batch: list[T] = []
            while page is not None:
                if isinstance(page, BaseException):
                    raise page
                batch += page
                if len(batch) >= objects or self._queue.empty():
                    break
                page = self._queue.get_nowait()
            if batch:
                yield batch
            if page is None:
                return

    async def close(self) -> None:
        self._reading.cancel()
        self._decoding.cancel()
        # Waits for both to end without taking their cancellation for the caller's own.
        await asyncio.wait([self._reading, self._decoding])


# Longest stretch of the sync's own work between two turns of the event loop. The page reader
# needs about seven turns per page (request, headers, body, answer); each waits for the stretch
# of work that holds the loop, so the length of these stretches adds to the reader's latency.
TURN_SECONDS = 0.0002


async def turns(items: Iterable[T]) -> AsyncIterator[T]:
    """The items, with a turn of the event loop whenever `TURN_SECONDS` of work went by since
    the last one: applying a batch is a stretch of pure Python, and the page reader must answer
    the server in between (send the next request, take the answer), or the server waits for
    the sync and the sync for the server."""
    clock = time.perf_counter
    due = clock() + TURN_SECONDS
    for item in items:
        yield item
        if clock() >= due:
            await asyncio.sleep(0)
            due = clock() + TURN_SECONDS
