"""Benchmark of the personal calendar feed: `.venv/bin/python -m bench.calendar`.

1. Rendering a personal feed of 1,000 meetings (8 agenda items each) against a baseline that
   serialises the same events, with the same final field values, with icalendar alone; the
   ratio is the figure to watch (goal: at most 1.5).
2. The whole feed service (database reads + render + ETag) against the same baseline, once
   without the feed cache and once with it on unchanged data (what a revalidation costs).
3. Requests per second through the real HTTP stack (uvicorn on loopback, httpx client):
   a full 200 download and a 304 revalidation with If-None-Match. Request counts are bounded.

Everything runs in a temporary SQLite database that is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from icalendar import Calendar, Event, vDuration
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.calendar.data import GROUP_KEY, build
from bot.config import Settings
from bot.feeds import feed_routes
from bot.runtime import Runtime
from bot.services.calendar import (
    FeedCache,
    RenderOptions,
    member_by_secret,
    personal_feed,
    render_personal_calendar,
)
from bot.services.calendar.render import meeting_event
from bot.services.calendar.timezone import classic_vtimezone
from storage.migrate import upgrade
from storage.queries import calendar as queries

BOT = "gremien_bench_bot"


def _ms(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _baseline_fields(events: list[Event]) -> list[dict[str, Any]]:
    """The final values of every property, taken from our events, to feed the baseline."""
    return [{name.lower(): event.decoded(name) for name in event} for event in events]


def baseline(fields: list[dict[str, Any]], name: str, tzid: str) -> bytes:
    """The same calendar built with icalendar alone, from ready values."""
    calendar = Calendar()
    calendar.add("prodid", "-//Gremienbot//Gremienbot//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", tzid)
    calendar.add(
        "refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"}
    )
    calendar.add("x-published-ttl", vDuration(timedelta(hours=1)))
    calendar.add_component(classic_vtimezone(tzid, 2026))
    for values in fields:
        event = Event()
        for key, value in values.items():
            event.add(key, value)
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body


async def _bare_304(requests: int) -> float:
    """The framework's ceiling: a bare Starlette endpoint on uvicorn that answers 304."""

    async def endpoint(_request: Request) -> Response:
        return Response(status_code=304, headers={"ETag": '"bare"'})

    app = Starlette(routes=[Route("/calendar/{name}.ics", endpoint)])
    async with _serving(app) as base, httpx.AsyncClient(timeout=30) as client:
        url = f"{base}/calendar/x.ics"
        return await _rate(client, url, {"If-None-Match": '"bare"'}, 304, requests)


@contextlib.asynccontextmanager
async def _serving(app: Starlette) -> AsyncIterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving


async def _http(runtime: Runtime, secret: str, requests: int) -> tuple[float, float]:
    app = Starlette(routes=feed_routes(runtime, lambda: BOT))
    async with _serving(app) as base:
        url = f"{base}/calendar/{secret}.ics"
        async with httpx.AsyncClient(timeout=30) as client:
            first = await client.get(url)
            assert first.status_code == 200, first.status_code
            etag = first.headers["etag"]
            full = await _rate(client, url, {}, 200, max(requests // 10, 5))
            revalidate = await _rate(client, url, {"If-None-Match": etag}, 304, requests)
    return full, revalidate


async def _rate(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], status: int, count: int
) -> float:
    started = time.perf_counter()
    for _ in range(count):
        response = await client.get(url, headers=headers)
        assert response.status_code == status, response.status_code
    return count / (time.perf_counter() - started)


async def _service_ms(
    runtime: Runtime, secret: str, runs: int, cache: FeedCache | None = None
) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        async with runtime.sessions() as session:
            feed = await personal_feed(
                session, settings=runtime.settings, secret=secret, bot_username=BOT, cache=cache
            )
        assert feed is not None
        timings.append(time.perf_counter() - started)
    return min(timings) * 1000


async def main(meetings: int, items: int, runs: int, requests: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", group_key=GROUP_KEY
        )
        runtime = Runtime.from_settings(settings)
        try:
            await upgrade(runtime.engine)
            async with runtime.sessions.begin() as session:
                secret = await build(session, meetings=meetings, items=items, tz=settings.tz)
            await _measure(runtime, secret, meetings, items, runs, requests)
        finally:
            await runtime.close()


async def _measure(
    runtime: Runtime, secret: str, meetings: int, items: int, runs: int, requests: int
) -> None:
    settings = runtime.settings
    async with runtime.sessions() as session:
        person = await member_by_secret(
            session, settings=settings, secret=secret, today=runtime.today()
        )
        assert person is not None
        rows = await queries.all_meetings(session)
        agendas = await queries.agenda_lines(session)
        attendances = await queries.attendances_of(session, person_id=person.id)
    options = RenderOptions(tz=settings.tz, language="de", bot_username=BOT)
    name = "Gremienbot – Anna Beispiel"
    ordered = sorted(rows, key=lambda meeting: (meeting.start, meeting.id))
    events = [
        meeting_event(m, agendas.get(m.id, []), options, attendance=attendances.get(m.id))
        for m in ordered
    ]
    fields = _baseline_fields(events)

    def ours() -> bytes:
        return render_personal_calendar(rows, agendas, attendances, name=name, options=options)

    def theirs() -> bytes:
        return baseline(fields, name, settings.timezone)

    body = ours()
    same = body == theirs()
    ours(), theirs()  # warm-up
    render_ms, baseline_ms = [], []
    for _ in range(runs):  # interleaved, so machine noise hits both alike
        render_ms.append(_ms(ours))
        baseline_ms.append(_ms(theirs))
    # The best run of each, as timeit does: the others only add noise from the machine.
    render, base = min(render_ms), min(baseline_ms)
    service = await _service_ms(runtime, secret, runs)
    cached = await _service_ms(runtime, secret, runs + 1, FeedCache())  # the first one fills
    full_rps, revalidate_rps = await _http(runtime, secret, requests)
    bare_rps = await _bare_304(requests)
    revalidate_rps = max(revalidate_rps, (await _http(runtime, secret, requests))[1])
    bare_rps = max(bare_rps, await _bare_304(requests))  # best of two, interleaved

    print(f"personal feed: {meetings} meetings x {items} agenda items, {len(body):,} bytes")
    print(f"  same bytes as the baseline: {same}")
    print(f"  icalendar-only baseline:    {base:8.1f} ms")
    print(
        f"  render:                     {render:8.1f} ms   ratio {render / base:.2f} (goal <= 1.5)"
    )
    print(f"  service, uncached:          {service:8.1f} ms   ratio {service / base:.2f}")
    print(f"  service, unchanged data:    {cached:8.1f} ms   ratio {cached / base:.2f} (cache hit)")
    print("HTTP through uvicorn on 127.0.0.1, httpx client, one connection:")
    print(f"  200 full download:          {full_rps:8.1f} requests/s")
    print(f"  304 revalidation:           {revalidate_rps:8.1f} requests/s")
    print(f"  bare Starlette 304:         {bare_rps:8.1f} requests/s")
    print(
        f"  304 ratio to bare Starlette: {revalidate_rps / bare_rps:.2f} (goal >= 0.5; "
        "one membership check and one read of the change counters per request)"
    )


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.calendar", description=__doc__)
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--items", type=int, default=8)
    parser.add_argument("--runs", type=int, default=7, help="timed renders of each kind")
    parser.add_argument("--requests", type=int, default=1000, help="304 requests (bounded)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.meetings, arguments.items, arguments.runs, arguments.requests))


if __name__ == "__main__":
    cli()
