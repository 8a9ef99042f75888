"""The real bot wired to a local Bot API server: for end-to-end tests, the demo and benchmarks.

`sandbox()` starts a LocalBotApi, then the bot exactly as `gremienbot run` does (same
factory, same runner, real HTTP between them), on the database URL it is given.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from bot.config import Settings
from bot.localapi import LocalBotApi, RateLimits
from bot.runner import RunningBot, running
from bot.runtime import BotApplication


@dataclass
class Sandbox:
    api: LocalBotApi
    bot: RunningBot
    settings: Settings


def sandbox_settings(api: LocalBotApi, database_url: str, **overrides: Any) -> Settings:
    """Settings for a bot talking to `api`; nothing is read from the environment or .env."""
    values: dict[str, Any] = {
        "token": api.token,
        "api_base_url": api.base_url,
        "api_base_file_url": api.base_file_url,
        "database_url": database_url,
        "http_port": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def local_api(limits: RateLimits | None = None) -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(limits=limits) as api:
        yield api


@contextlib.asynccontextmanager
async def sandbox(
    database_url: str, *, api: LocalBotApi | None = None, **overrides: Any
) -> AsyncIterator[Sandbox]:
    """Run the bot against a local Bot API server (a new one unless `api` is given)."""
    async with contextlib.AsyncExitStack() as stack:
        if api is None:
            api = await stack.enter_async_context(local_api())
        settings = sandbox_settings(api, database_url, **overrides)
        running_bot = await stack.enter_async_context(running(settings))
        stack.enter_context(settling_waits_for(api, running_bot.application))
        yield Sandbox(api=api, bot=running_bot, settings=settings)


@contextlib.contextmanager
def settling_waits_for(api: LocalBotApi, application: BotApplication) -> Iterator[None]:
    """While inside, the local API's `settle()` also waits for the application's handlers."""

    def bot_is_busy() -> bool:
        """A handler is running or an update waits: settling must not end yet."""
        processor = application.update_processor
        return processor.current_concurrent_updates > 0 or not application.update_queue.empty()

    api.state.busy_probes.append(bot_is_busy)
    try:
        yield
    finally:
        api.state.busy_probes.remove(bot_is_busy)
