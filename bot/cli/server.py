"""CLI commands that run things: the bot itself, database migrations, the demo."""

from __future__ import annotations

import asyncio
import logging

import click

from bot.cli.common import run_async, settings_or_exit


@click.command()
@run_async
async def run() -> None:
    """Run the bot and the calendar/health web server until SIGINT or SIGTERM."""
    from bot.runner import run_until_signal

    await run_until_signal(settings_or_exit())


@click.group()
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


@click.command()
@click.option("--admin", "as_admin", is_flag=True, help="Start as an administrator.")
@click.option(
    "--oparl", is_flag=True, help="Also follow a local OParl server with the sample body."
)
def demo(as_admin: bool, oparl: bool) -> None:
    """Chat with the real bot against a local Bot API server and sample data.

    Type messages as a member; a number presses the button with that number.
    Works with piped standard input too, e.g. printf '/start\\n/help\\n' | gremienbot demo
    """
    from bot.demo import run_demo

    logging.getLogger().setLevel(logging.WARNING)
    asyncio.run(run_demo(as_admin=as_admin, oparl=oparl))
