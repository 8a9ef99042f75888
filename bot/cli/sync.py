"""`gremienbot sync [--full] [--dry-run]`: one OParl sync now (issue 14).

A progress line on a terminal (lists, pages, objects; nothing when not a terminal), then the
summary of what was created, changed, cancelled and deleted, like `import`. A configuration that
names no single body exits 2; a server that stays down exits 1 with one sentence.
"""

from __future__ import annotations

import asyncio
import sys

import click

from bot.cli.common import fail, settings_or_exit
from bot.config import Settings
from bot.services.attendance import attendance_notifier, combine_notifiers
from bot.services.notices import change_notifier
from bot.services.oparl import (
    ListProgress,
    ServerDown,
    SyncBusy,
    SyncConfigError,
    SyncResult,
    sync_oparl,
)


def _progress(name: str, counter: ListProgress) -> None:
    click.echo(
        f"\r{name} lists: {counter.pages} pages, {counter.objects} objects ", nl=False, err=True
    )


async def _sync(settings: Settings, full: bool, dry_run: bool) -> SyncResult:
    from storage.engine import create_engine, create_session_factory
    from storage.migrate import upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        return await sync_oparl(
            create_session_factory(engine),
            settings=settings,
            notifier=combine_notifiers([change_notifier(settings), attendance_notifier(settings)]),
            full=full,
            dry_run=dry_run,
            progress=_progress if sys.stderr.isatty() else None,
        )
    finally:
        await engine.dispose()


@click.command("sync")
@click.option("--full", is_flag=True, help="Read every list in full, ignoring the saved cursor.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def sync(full: bool, dry_run: bool) -> None:
    """Sync once with the council's information system (GREMIENBOT_OPARL_URL, OParl)."""
    settings = settings_or_exit()
    try:
        result = asyncio.run(_sync(settings, full, dry_run))
    except SyncConfigError as error:
        fail(str(error))
        return
    except SyncBusy:
        click.echo("Another sync is running; try again when it has finished.", err=True)
        sys.exit(1)
    except ServerDown as error:
        if sys.stderr.isatty():
            click.echo("", err=True)
        click.echo(f"Error: {error} Nothing of this sync was applied.", err=True)
        sys.exit(1)
    if sys.stderr.isatty():
        click.echo("", err=True)
    for line in result.summary(settings.tz):
        click.echo(line)
