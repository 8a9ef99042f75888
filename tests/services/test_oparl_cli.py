"""`gremienbot sync` as a shell user runs it, against the local OParl server: the summary, exit 2
for a configuration that names no single body or a bad value, exit 1 for a server that stays
down (with one sentence)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator

import pytest

from bot.localoparl.sample import build
from bot.localoparl.server import LocalOParl


@pytest.fixture
async def oparl() -> AsyncIterator[LocalOParl]:
    async with LocalOParl() as server:
        yield server


async def gremienbot(database_url: str, *args: str, **env: str) -> tuple[int, str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("GREMIENBOT_")
    }
    environment.update({"GREMIENBOT_DATABASE_URL": database_url, **env})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=environment,
    )
    async with asyncio.timeout(120):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_sync_prints_the_summary_and_a_second_sync_changes_nothing(
    database_url: str, oparl: LocalOParl
) -> None:
    build(oparl.store)
    status, out, err = await gremienbot(database_url, "sync", GREMIENBOT_OPARL_URL=oparl.system_url)
    assert status == 0, err
    assert "meetings 2 created" in out and "papers 1 created" in out
    assert "Nobody was notified (first sync of this source)." in out
    status, out, _ = await gremienbot(database_url, "sync", GREMIENBOT_OPARL_URL=oparl.system_url)
    assert status == 0 and "no changes" in out and "Nobody was notified (nothing changed)." in out
    status, out, _ = await gremienbot(
        database_url, "sync", "--full", "--dry-run", GREMIENBOT_OPARL_URL=oparl.system_url
    )
    assert status == 0 and out.startswith("Dry run, nothing was written.")


async def test_configuration_errors_exit_2(database_url: str, oparl: LocalOParl) -> None:
    build(oparl.store)
    oparl.store.add_body("Stadt Konstanz")
    status, _, err = await gremienbot(database_url, "sync", GREMIENBOT_OPARL_URL=oparl.system_url)
    assert status == 2
    assert err.strip().startswith("Error: GREMIENBOT_OPARL_BODY is not set")
    assert "Landkreis Konstanz" in err and "Stadt Konstanz" in err
    status, _, err = await gremienbot(
        database_url, "sync", GREMIENBOT_OPARL_URL=oparl.system_url, GREMIENBOT_OPARL_INTERVAL="-5"
    )
    assert status == 2 and err.strip().startswith("Error: GREMIENBOT_OPARL_INTERVAL:")
    status, _, err = await gremienbot(database_url, "sync", GREMIENBOT_OPARL_URL="ftp://x")
    assert status == 2 and "GREMIENBOT_OPARL_URL" in err
    status, _, err = await gremienbot(database_url, "sync")
    assert status == 2 and "GREMIENBOT_OPARL_URL is not set" in err


async def test_a_server_that_stays_down_exits_1(database_url: str, oparl: LocalOParl) -> None:
    build(oparl.store)
    oparl.store.faults.down = True
    status, out, err = await gremienbot(
        database_url, "sync", GREMIENBOT_OPARL_URL=oparl.system_url, GREMIENBOT_OPARL_TIMEOUT="2"
    )
    assert status == 1 and out == ""
    [line] = err.strip().splitlines()
    assert line.startswith("Error: The OParl server did not answer") and "HTTP 503" in line
