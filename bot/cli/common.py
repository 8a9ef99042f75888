"""Helpers shared by the CLI commands: logging set-up, exit status 2 for bad input, async."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import re
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click
from dotenv import dotenv_values

from bot.config import ENV_PREFIX, ConfigError, Settings, load_settings
from bot.errors import UserError
from bot.logformat import formatter_for
from bot.runtime import Runtime
from storage.migrate import upgrade

P = ParamSpec("P")
R = TypeVar("R")

USAGE_ERROR = 2


def log_format() -> str:
    """GREMIENBOT_LOG_FORMAT from the environment or `.env` (read before the settings, so
    that a configuration error is logged in the chosen format too)."""
    value = os.environ.get(f"{ENV_PREFIX}LOG_FORMAT")
    if value is None:
        value = dotenv_values(".env").get(f"{ENV_PREFIX}LOG_FORMAT") or "text"
    return value.strip().lower()


def configure_logging(verbose: bool = False) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(formatter_for(log_format()))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler])
    # httpx logs request URLs, and a Bot API URL contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def fail(message: str) -> None:
    """Print one clear sentence and exit 2 (a bad value anywhere)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(USAGE_ERROR)


def settings_or_exit(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except ConfigError as error:
        fail(str(error))
        raise  # unreachable; keeps type checkers content


def run_async(function: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, R]:
    """Run an async click command; configuration errors become exit status 2."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return asyncio.run(function(*args, **kwargs))
        except ConfigError as error:
            fail(str(error))
            raise

    return wrapper


@contextlib.asynccontextmanager
async def open_runtime() -> AsyncIterator[Runtime]:
    """Settings and a migrated database for a CLI command; closed afterwards."""
    settings = settings_or_exit()
    runtime = Runtime.from_settings(settings)
    try:
        await upgrade(runtime.engine)
        yield runtime
    finally:
        await runtime.close()


def fail_with(error: UserError, settings: Settings) -> None:
    """A service refused: its message in the configured language, exit 2."""
    fail(strip_html(error.render(settings.language)))


def strip_html(text: str) -> str:
    """Catalog texts are Telegram HTML; the shell shows them plain."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))
