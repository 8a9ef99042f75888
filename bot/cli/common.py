"""Helpers shared by the CLI commands: logging set-up, exit status 2 for bad input, async."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click

from bot.config import ConfigError, Settings, load_settings

P = ParamSpec("P")
R = TypeVar("R")

USAGE_ERROR = 2


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
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
