"""Crash safety: `gremienbot run` killed with SIGKILL in the middle of a broadcast and started
again delivers to every member; a duplicate is possible only for a message in flight at the
kill, so there are at most as many as the worker has requests in flight."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import Fault, LocalBotApi, RateLimits
from bot.services.delivery import DeliveryOptions
from bot.services.outbox import Notice, enqueue_many
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from tests.services.delivery.support import add_members, received_counts, wait_until_settled
from tests.waiting import until

MEMBERS = 300
RATE = 90.0  # per second: the broadcast takes a few seconds, so the kill lands in the middle


async def _start_bot(api: LocalBotApi, database_url: str, log: Path) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "GREMIENBOT_TOKEN": api.token,
        "GREMIENBOT_API_BASE_URL": api.base_url,
        "GREMIENBOT_API_BASE_FILE_URL": api.base_file_url,
        "GREMIENBOT_DATABASE_URL": database_url,
        "GREMIENBOT_HTTP_PORT": "0",
        "GREMIENBOT_DELIVERY_RATE": str(RATE),
        "GREMIENBOT_ALLOW_PAID_BROADCAST": "true",
    }
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=log.parent,  # no developer's .env file is read
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )


def _text(log: Path) -> str:
    return log.read_text(errors="replace")


async def _wait_for_messages(api: LocalBotApi, at_least: int, log: Path) -> None:
    try:
        await until(
            lambda: len(api.log.select(method="sendMessage", status=200)) >= at_least,
            what=f"{at_least} messages sent",
            timeout=30,
        )
    except AssertionError as failed:
        raise AssertionError(f"the bot sent too little; its log:\n{_text(log)}") from failed


async def test_sigkill_in_the_middle_of_a_broadcast_loses_nothing(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path}/gremienbot.db"
    log = tmp_path / "bot.log"
    engine = create_engine(database_url)
    sessions: async_sessionmaker[AsyncSession] = create_session_factory(engine)
    try:
        await upgrade(engine)
        async with LocalBotApi(limits=RateLimits.off()) as api:
            # Each send takes a little while, so requests really are in flight at the kill.
            api.inject_random(1.0, Fault.timeout(0.02), seed=3)
            members = await add_members(sessions, api, MEMBERS)
            async with sessions.begin() as session:
                await enqueue_many(
                    session,
                    [
                        Notice(
                            event_key="broadcast:1",
                            chat_id=m.chat_id,
                            kind="broadcast",
                            text="Rundschreiben",
                            person_id=m.person_id,
                        )
                        for m in members
                    ],
                )

            first = await _start_bot(api, database_url, log)
            await _wait_for_messages(api, MEMBERS // 3, log)
            first.send_signal(signal.SIGKILL)
            assert await first.wait() == -signal.SIGKILL
            sent_before_restart = len(api.log.select(method="sendMessage", status=200))
            assert sent_before_restart < MEMBERS, "the kill came too late to prove anything"

            second = await _start_bot(api, database_url, log)
            try:
                await wait_until_settled(sessions, timeout=60)
            finally:
                second.send_signal(signal.SIGTERM)
                assert await second.wait() == 0, _text(log)
            counts = received_counts(api, [m.chat_id for m in members])
    finally:
        await engine.dispose()

    assert min(counts.values()) == 1, "every member got the broadcast"
    duplicates = sum(n - 1 for n in counts.values())
    in_flight_at_most = DeliveryOptions(rate=RATE).slots
    print(f"killed after {sent_before_restart} sends; {duplicates} duplicates")
    assert duplicates <= in_flight_at_most, (duplicates, in_flight_at_most)
