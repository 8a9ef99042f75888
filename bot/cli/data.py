"""CLI commands for council data: `gremienbot import FILE [--dry-run] [--quiet]`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from bot.cli.common import fail, settings_or_exit
from bot.config import Settings
from bot.services.attendance import attendance_notifier, combine_notifiers
from bot.services.importer import ImportInvalid, ImportReport, import_yaml
from bot.services.notices import change_notifier


async def _import(
    settings: Settings, file: Path, text: str, dry_run: bool, quiet: bool
) -> ImportReport:
    from storage.engine import create_engine, create_session_factory
    from storage.migrate import upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)  # like `run`: a fresh installation needs no separate step
        return await import_yaml(
            create_session_factory(engine),
            text=text,
            source=file.name,
            tz=settings.tz,
            group_key=settings.group_key,
            dry_run=dry_run,
            notify=not quiet,
            # Notices to members and attendance requests, written in the import's transaction.
            notifier=combine_notifiers([change_notifier(settings), attendance_notifier(settings)]),
        )
    finally:
        await engine.dispose()


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@click.option("--quiet", is_flag=True, help="Notify nobody about the changes.")
def import_command(file: Path, dry_run: bool, quiet: bool) -> None:
    """Import organizations, members, meetings and papers from a YAML FILE.

    The file is checked whole first; if anything is wrong, every problem is listed with
    its line and nothing is written (exit status 2). Importing the same file again
    changes nothing.
    """
    settings = settings_or_exit()
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        fail(f"{file} is not UTF-8 text (byte {error.start} cannot be read).")
    except OSError as error:
        fail(f"{file} cannot be read: {error.strerror}.")
    try:
        report = asyncio.run(_import(settings, file, text, dry_run, quiet))
    except ImportInvalid as error:
        for problem in error.problems:
            click.echo(f"{file}: {problem}", err=True)
        count = len(error.problems)
        fail(
            f"{file} was not imported ({count} problem{'s' if count != 1 else ''}); "
            "nothing was written."
        )
        return
    for line in report.summary(settings.tz):
        click.echo(line)
