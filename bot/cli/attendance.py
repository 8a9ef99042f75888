"""CLI: `gremienbot attendance MEETING [--csv]` — who comes, as in /teilnahme."""

from __future__ import annotations

import sys

import click

from bot.cli.common import fail_with, open_runtime, run_async, strip_html
from bot.errors import UserError
from bot.services.attendance.overview import attendance_overview_by_key, overview_csv
from bot.views.attendance_overview import overview_blocks


@click.command()
@click.argument("meeting")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Print CSV (UTF-8 with BOM, semicolons) as the chat's CSV button sends it.",
)
@run_async
async def attendance(meeting: str, as_csv: bool) -> None:
    """Show the attendance of MEETING (its key from the import file): counts, names per
    answer, who has not answered, and which factions are represented."""
    async with open_runtime() as runtime:
        settings = runtime.settings
        try:
            async with runtime.sessions() as session:
                overview = await attendance_overview_by_key(
                    session, actor=None, key=meeting, now=runtime.now(), settings=settings
                )
        except UserError as error:
            fail_with(error, settings)
            return
    if as_csv:
        sys.stdout.buffer.write(overview_csv(overview, settings.language, settings.tz))
        sys.stdout.buffer.flush()
        return
    blocks = overview_blocks(overview, settings.language, settings.tz)
    click.echo(strip_html("\n\n".join(blocks)))
