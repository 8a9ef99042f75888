"""Helpers for the dialogue tests: the bot as a separate process (to stop it with SIGTERM or
SIGKILL), waiting with a deadline, and reading the stored dialogue state."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from storage.models import DialogueState

Sessions = async_sessionmaker[AsyncSession]


async def until(check: Callable[[], bool], *, timeout: float = 30.0, what: str = "") -> None:  # noqa: ASYNC109
    """Poll `check` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or check}")
        await asyncio.sleep(0.02)


async def stored_state(sessions: Sessions, user_id: int) -> tuple[str, int] | None:
    async with sessions() as session:
        query = select(DialogueState).where(DialogueState.user_id == user_id)
        row = (await session.execute(query)).scalar_one_or_none()
        return (row.name, row.state) if row is not None else None


def bot_environment(api: LocalBotApi, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREMIENBOT_")}
    env |= {
        "GREMIENBOT_TOKEN": api.token,
        "GREMIENBOT_API_BASE_URL": api.base_url,
        "GREMIENBOT_API_BASE_FILE_URL": api.base_file_url,
        "GREMIENBOT_DATABASE_URL": database_url,
        "GREMIENBOT_HTTP_PORT": "0",
    }
    return env


@contextlib.asynccontextmanager
async def bot_process(
    api: LocalBotApi, database_url: str, workdir: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`gremienbot run` in a process of its own, polling `api`; killed at the end if alive."""
    polls = len(api.state.log.select(method="getUpdates"))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=workdir,  # no .env of the checkout
        env=bot_environment(api, database_url),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await until(
            lambda: (
                len(api.state.log.select(method="getUpdates")) > polls
                or process.returncode is not None
            ),
            timeout=60,
            what="the bot process to poll",
        )
        assert process.returncode is None, "the bot process ended at start"
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await asyncio.wait_for(process.wait(), timeout=30)


async def stop_process(process: asyncio.subprocess.Process, how: signal.Signals) -> None:
    """SIGTERM: the bot shuts down cleanly; SIGKILL: it dies on the spot."""
    process.send_signal(how)
    await asyncio.wait_for(process.wait(), timeout=30)
