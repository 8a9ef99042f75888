"""The `gremienbot` command line (click). Every command has --help; bad input exits with 2."""

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
def main(verbose: bool) -> None:
    """Gremienbot: the Telegram assistant of the steering group (Lenkungsgruppe)."""
    configure_logging(verbose)


@main.command()
@run_async
async def run() -> None:
    """Run the bot and the calendar/health web server until SIGINT or SIGTERM."""
    from bot.runner import run_until_signal

    await run_until_signal(settings_or_exit())


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@run_async
async def db_upgrade() -> None:
    """Apply pending database migrations."""
    from storage.engine import create_engine, display_url
    from storage.migrate import upgrade

    settings = settings_or_exit()
    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    click.echo(f"Database {display_url(settings.database_url)} is up to date.")


@main.command()
@click.option("--admin", "as_admin", is_flag=True, help="Start as an administrator.")
def demo(as_admin: bool) -> None:
    """Chat with the real bot against a local Bot API server and sample data.

    Type messages as a member; a number presses the button with that number.
    Works with piped standard input too, e.g. printf '/start\\n/help\\n' | gremienbot demo
    """
    from bot.demo import run_demo

    logging.getLogger().setLevel(logging.WARNING)
    asyncio.run(run_demo(as_admin=as_admin))
