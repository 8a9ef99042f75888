"""Two `gremienbot run` instances on one PostgreSQL database in webhook mode, the updates
alternating between them as a reverse proxy would send them (issue 16).

* both started at the same moment on an empty database come up; the migrations ran once;
* reminders: both instances' reminder jobs run at once; each member is reminded once;
* a broadcast to 300 members while both run stays within one send budget at the Bot API
  server (no 429, at most 30 per second plus the budget's small burst in any second) and
  reaches each member once; a member's command during it is answered within 2 seconds;
* a third instance, a real `gremienbot run` process, is killed with SIGKILL in the middle of
  a broadcast: the others finish it, nobody is left out.

PostgreSQL only (SQLite runs one instance): set GREMIENBOT_TEST_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select

from bot.config import Settings
from bot.localapi import LocalBotApi, RateLimits
from bot.sandbox import Sandbox, sandbox
from bot.services.broadcast import Audience, AudienceChoice, create_broadcast
from bot.services.delivery import notify
from bot.services.delivery.budget import DatabaseBudget
from bot.services.importer import import_yaml
from storage.engine import create_engine, create_session_factory
from storage.models import (
    Delivery,
    DeliveryStatus,
    JobPeriod,
    Meeting,
    MeetingKind,
    Organization,
    utcnow,
)
from tests.conftest import PG_ENV

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"PostgreSQL only: {PG_ENV}")

SECRET = "two-instances-secret"
MEMBERS = 300
LEASE = 3.0  # seconds: how soon a dead instance's deliveries are taken over
FIRST_ID = 500_000


def _document(members: int) -> str:
    lines = [
        "organizations:",
        "  - {key: lenkungsgruppe, name: Lenkungsgruppe, kind: committee}",
        "members:",
    ]
    lines += [
        f"  - {{name: Mitglied {n:03d}, telegram_id: {FIRST_ID + n}}}" for n in range(members)
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
async def pg_url(empty_database_url: str) -> str:
    """An empty PostgreSQL database: the instances migrate it themselves, once."""
    if not empty_database_url.startswith("postgresql"):
        pytest.skip("two instances need PostgreSQL")
    return empty_database_url


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    # Telegram's limits: 30 per second for the token, 1 per second per private chat.
    async with LocalBotApi(limits=RateLimits(private_burst=20)) as server:
        yield server


def _settings() -> dict[str, Any]:
    return {
        "webhook_url": "http://127.0.0.1:9",  # the server is pointed at the instances below
        "webhook_secret": SECRET,
        "delivery_lease": LEASE,
    }


def _sends(api: LocalBotApi, since: float) -> list[float]:
    return sorted(
        r.started
        for r in api.log.select(method="sendMessage", status=200)
        if r.started >= since and r.chat_id is not None and r.chat_id >= FIRST_ID
    )


def _busiest_second(times: list[float]) -> int:
    most, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def _import(box: Sandbox, members: int) -> None:
    await import_yaml(
        box.bot.runtime.sessions,
        text=_document(members),
        source="members.yaml",
        tz=box.settings.tz,
        group_key="lenkungsgruppe",
        notify=False,
    )


async def _broadcast(url: str, text: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine).begin() as session:
            await create_broadcast(
                session,
                actor=None,
                body=text,
                choice=AudienceChoice(Audience.EVERYONE),
                settings=Settings(_env_file=None, database_url=url),
                now=utcnow(),
            )
    finally:
        await engine.dispose()
    notify()


async def _pending(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            query = select(func.count(Delivery.id)).where(Delivery.status == DeliveryStatus.PENDING)
            return int((await session.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def _until_delivered(url: str, timeout: float) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while await _pending(url):
        assert time.monotonic() < deadline, "the broadcast did not finish"
        await asyncio.sleep(0.5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def _process_instance(api: LocalBotApi, url: str, folder: Path) -> AsyncIterator[Any]:
    """`gremienbot run` as a process of its own, on the same database and server."""
    port = _free_port()
    env = {
        **os.environ,
        "GREMIENBOT_TOKEN": api.token,
        "GREMIENBOT_API_BASE_URL": api.base_url,
        "GREMIENBOT_API_BASE_FILE_URL": api.base_file_url,
        "GREMIENBOT_DATABASE_URL": url,
        "GREMIENBOT_HTTP_PORT": str(port),
        "GREMIENBOT_WEBHOOK_URL": "http://127.0.0.1:9",
        "GREMIENBOT_WEBHOOK_SECRET": SECRET,
        "GREMIENBOT_DELIVERY_LEASE": str(LEASE),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=folder,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as client:
            while True:
                assert process.returncode is None, "the instance exited at start"
                assert time.monotonic() < deadline, "the instance did not come up"
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(f"{base}/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.2)
        yield process, base
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 20)
            except TimeoutError:
                process.kill()
                await asyncio.wait_for(process.wait(), 10)


async def test_two_instances_share_one_bot(
    api: LocalBotApi, pg_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gremienbot")
    async with contextlib.AsyncExitStack() as stack:
        # Both at the same moment on an empty database.
        first, second = await asyncio.gather(
            stack.enter_async_context(sandbox(pg_url, api=api, **_settings())),
            stack.enter_async_context(sandbox(pg_url, api=api, **_settings())),
        )
        assert isinstance(first, Sandbox) and isinstance(second, Sandbox)
        migrated = [r for r in caplog.records if r.getMessage() == "database schema migrated"]
        assert len(migrated) == 1
        assert isinstance(first.bot.runtime.send_budget, DatabaseBudget)
        api.balance_webhook([first.bot.http_url, second.bot.http_url])

        # Reminders: both instances' reminder jobs run at the same moment; one does the work,
        # and each member is reminded once.
        sessions = first.bot.runtime.sessions
        await _import(first, 3)
        soon = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=90)
        async with sessions.begin() as session:
            committee = (
                await session.execute(
                    select(Organization).where(Organization.key == "lenkungsgruppe")
                )
            ).scalar_one()
            meeting = Meeting(
                key="lg-soon",
                organization=committee,
                kind=MeetingKind.APPOINTMENT,
                name="Kurzfristige Abstimmung",
                start=soon,
                public=False,
                created_at=soon - timedelta(days=2),
            )
            session.add(meeting)
        early = [api.user(FIRST_ID + n, f"Mitglied {n:03d}") for n in range(3)]
        # Each instance's own reminder job may already have claimed this minute's period (it
        # first runs a second after the start): free it, so the two runs below compete for it.
        async with sessions.begin() as session:
            await session.execute(delete(JobPeriod).where(JobPeriod.job == "reminders"))
        jobs = []
        for box in (first, second):
            queue = box.bot.application.job_queue
            assert queue is not None
            [job] = queue.get_jobs_by_name("reminders")
            jobs.append(job.run(box.bot.application))
        await asyncio.gather(*jobs)
        await _until_delivered(pg_url, timeout=30)
        for member in early:
            await member.wait_for(lambda m: "Kurzfristige Abstimmung" in m.text)
            assert len(member.messages) == 1, member.id
        async with sessions.begin() as session:
            await session.delete(await session.get(Meeting, meeting.id))

        await _import(first, MEMBERS)
        members = [api.user(FIRST_ID + n, f"Mitglied {n:03d}") for n in range(MEMBERS)]
        asker = members[-1]

        # A dialogue-free command alternates between the instances like every update.
        await asker.send("/help")
        await asker.send("/help")
        assert {target for _, target in api.webhooks.delivered} == {
            f"{first.bot.http_url}/telegram",
            f"{second.bot.http_url}/telegram",
        }

        started = time.monotonic()
        await _broadcast(pg_url, "Vorab-Information an alle")
        await asyncio.sleep(2.0)  # well into the broadcast
        before = len(asker.messages)
        asked = time.monotonic()
        await asker.send("/help", wait=False)
        await asker.wait_for(lambda m: "/termine" in m.text and m in asker.messages[before:])
        answered_in = time.monotonic() - asked
        await _until_delivered(pg_url, timeout=60)
        sends = _sends(api, started)
        elapsed = sends[-1] - sends[0]
        print(
            f"\n{len(sends)} messages in {elapsed:.1f} s at the server "
            f"({len(sends) / elapsed:.1f}/s), busiest second {_busiest_second(sends)}, "
            f"command answered in {answered_in:.2f} s"
        )
        assert answered_in <= 2.0
        assert api.log.count(status=429) == 0
        assert _busiest_second(sends) <= 30
        assert (len(sends) - 1) / elapsed <= 30
        for member in members:
            got = [m for m in member.messages if "Vorab-Information an alle" in m.text]
            assert len(got) == 1, member.id

        # A third instance, a process of its own, dies with SIGKILL mid-broadcast.
        async with _process_instance(api, pg_url, tmp_path) as (process, base):
            api.balance_webhook([first.bot.http_url, second.bot.http_url, base])
            await _broadcast(pg_url, "Zweite Vorab-Information")
            deadline = time.monotonic() + 30
            while len(_sends(api, time.monotonic() - 1.0)) < 1 or (
                sum(
                    1
                    for member in members
                    for m in member.messages
                    if "Zweite Vorab-Information" in m.text
                )
                < 60
            ):
                assert time.monotonic() < deadline, "the second broadcast did not start"
                await asyncio.sleep(0.1)
            process.send_signal(signal.SIGKILL)
            await asyncio.wait_for(process.wait(), 10)
            api.balance_webhook([first.bot.http_url, second.bot.http_url])
            await _until_delivered(pg_url, timeout=60)
        for member in members:
            got = [m for m in member.messages if "Zweite Vorab-Information" in m.text]
            assert 1 <= len(got) <= 2, member.id  # twice only if in flight at the kill
