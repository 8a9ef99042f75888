"""The feed routes over HTTP (httpx against the Starlette app, and once through uvicorn)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import date, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from bot.app import build_application
from bot.feeds import feed_routes
from bot.runtime import Runtime
from bot.services.calendar import issue_calendar_secret, revoke_calendar_secret
from bot.web import create_web_app
from storage.models import Meeting, Membership, Person
from tests.calendar_ics import content_lines, events_by_uid, parse_both
from tests.calendar_samples import BOT, SECRET_WORD, Sample, berlin, build_sample, settings
from tests.waiting import until

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def runtime(database_url: str, engine: AsyncEngine, sessions: Sessions) -> Runtime:
    return Runtime(settings=settings(database_url=database_url), engine=engine, sessions=sessions)


@pytest.fixture
async def sample(sessions: Sessions) -> Sample:
    async with sessions() as session:
        return await build_sample(session)


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=feed_routes(runtime, lambda: BOT))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://feeds.test") as client:
        yield client


async def _issue(sessions: Sessions, person: Person) -> str:
    async with sessions.begin() as session:
        return await issue_calendar_secret(session, person=person)


async def _move(sessions: Sessions, meeting: Meeting) -> None:
    """What the import does when a meeting's time changes."""
    async with sessions.begin() as session:
        row = await session.get(Meeting, meeting.id)
        assert row is not None
        row.start = berlin(2021, 7, 12)
        row.end = None
        row.sequence += 1


async def test_public_feed_response(client: httpx.AsyncClient, sample: Sample) -> None:
    response = await client.get("/calendar/public.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["etag"].startswith('"')
    assert "no-cache" in response.headers["cache-control"]
    assert parsedate_to_datetime(response.headers["last-modified"]).tzinfo is not None
    body = response.content
    assert b"\n" not in body.replace(b"\r\n", b"")
    parse_both(body)
    assert len(events_by_uid(body)) == 3
    assert SECRET_WORD not in response.text
    head = await client.head("/calendar/public.ics")
    assert head.status_code == 200 and head.headers["etag"] == response.headers["etag"]


async def test_revalidation_answers_304_only_while_unchanged(
    client: httpx.AsyncClient, sessions: Sessions, sample: Sample
) -> None:
    first = await client.get("/calendar/public.ics")
    etag = first.headers["etag"]
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = await client.get("/calendar/public.ics", headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
    await _move(sessions, sample.summer)
    changed = await client.get("/calendar/public.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    moved = events_by_uid(changed.content)[f"meeting-{sample.summer.id}@gremienbot"]
    assert moved["DTSTART;TZID=Europe/Berlin"] == "20210712T140000"
    assert moved["SEQUENCE"] == "1"
    fresh = await client.get(
        "/calendar/public.ics", headers={"If-None-Match": changed.headers["etag"]}
    )
    assert fresh.status_code == 304


async def test_if_modified_since_counts_only_without_if_none_match(
    client: httpx.AsyncClient, sessions: Sessions, sample: Sample
) -> None:
    first = await client.get("/calendar/public.ics")
    last_modified = first.headers["last-modified"]
    earlier = format_datetime(parsedate_to_datetime(last_modified) - timedelta(hours=1), True)

    async def status(**headers: str) -> int:
        response = await client.get("/calendar/public.ics", headers=headers)
        return response.status_code

    assert await status(**{"If-Modified-Since": last_modified}) == 304
    assert await status(**{"If-Modified-Since": earlier}) == 200
    assert await status(**{"If-Modified-Since": "not a date"}) == 200
    both = {"If-Modified-Since": last_modified, "If-None-Match": '"stale"'}
    assert await status(**both) == 200
    await _move(sessions, sample.summer)
    assert await status(**{"If-Modified-Since": last_modified}) == 200


async def test_committee_and_unknown_feeds(client: httpx.AsyncClient, sample: Sample) -> None:
    response = await client.get("/calendar/sozialausschuss.ics")
    assert response.status_code == 200
    summaries = [event["SUMMARY"] for event in events_by_uid(response.content).values()]
    assert summaries and all("Sozialausschuss" in s for s in summaries)
    unknown = await client.get("/calendar/finanzausschuss.ics")
    faction = await client.get("/calendar/spd.ics")
    guessed = await client.get("/calendar/" + "A" * 43 + ".ics")
    assert unknown.status_code == faction.status_code == guessed.status_code == 404
    assert unknown.content == guessed.content  # nothing tells a key from a secret
    assert (await client.get("/calendar/public")).status_code == 404


async def test_personal_feed_and_every_way_it_stops(
    client: httpx.AsyncClient, sessions: Sessions, sample: Sample
) -> None:
    secret = await _issue(sessions, sample.anna)
    response = await client.get(f"/calendar/{secret}.ics")
    assert response.status_code == 200
    assert response.headers["cache-control"].startswith("private")
    assert "[Zugesagt]" in response.text and "TRANSP:TRANSPARENT" in content_lines(response.content)
    assert "Dora" not in response.text
    etag = response.headers["etag"]
    assert (
        await client.get(f"/calendar/{secret}.ics", headers={"If-None-Match": etag})
    ).status_code == 304

    rotated = await _issue(sessions, sample.anna)
    assert (await client.get(f"/calendar/{secret}.ics")).status_code == 404
    assert (await client.get(f"/calendar/{rotated}.ics")).status_code == 200
    async with sessions.begin() as session:
        await revoke_calendar_secret(session, person=sample.anna)
    assert (await client.get(f"/calendar/{rotated}.ics")).status_code == 404

    bernd = await _issue(sessions, sample.bernd)
    assert (await client.get(f"/calendar/{bernd}.ics")).status_code == 200
    async with sessions.begin() as session:
        membership = (
            await session.execute(select(Membership).where(Membership.person_id == sample.bernd.id))
        ).scalar_one()
        membership.end_date = date.today() - timedelta(days=1)
    assert (await client.get(f"/calendar/{bernd}.ics")).status_code == 404


async def test_the_bots_web_app_mounts_the_feeds(runtime: Runtime, sample: Sample) -> None:
    app = create_web_app(runtime, build_application(runtime))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://feeds.test") as client:
        response = await client.get("/calendar/public.ics")
    assert response.status_code == 200
    # The bot was never initialized, so its @username is unknown: no deep links.
    assert "URL:" not in response.text and "t.me" not in response.text


async def test_through_uvicorn_without_logging_the_secret(
    runtime: Runtime,
    sessions: Sessions,
    sample: Sample,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    secret = await _issue(sessions, sample.anna)
    caplog.set_level(logging.DEBUG)
    app = Starlette(routes=feed_routes(runtime, lambda: BOT))
    # As bot/runner.py configures it.
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        await until(lambda: server.started, what="uvicorn to start")  # uvicorn's only signal
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            response = await client.get(f"/calendar/{secret}.ics")
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/calendar; charset=utf-8"
            etag = response.headers["etag"]
            again = await client.get(f"/calendar/{secret}.ics", headers={"If-None-Match": etag})
            assert again.status_code == 304
            assert (await client.get("/calendar/" + "x" * 43 + ".ics")).status_code == 404
    finally:
        server.should_exit = True
        await serving
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert [r.getMessage()[:300] for r in ours if secret in r.getMessage()] == []
    printed = capfd.readouterr()
    assert secret not in printed.out and secret not in printed.err
