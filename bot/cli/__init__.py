"""The `gremienbot` command line (click). Every command has --help; bad input exits with 2.

Each module of this package contributes commands; they are all attached to `main` here.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from bot.cli import attendance, broadcast, data, delivery, members, reader, server
from bot.cli import sync as oparl_sync
from bot.cli.common import USAGE_ERROR, configure_logging


class OneLineErrors(click.Group):
    """Like click.Group, but a usage error (unknown option, missing argument, bad value)
    prints one sentence and exits with 2, as every other bad value does."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.UsageError as error:
            click.echo(f"Error: {error.format_message()}", err=True)
            sys.exit(USAGE_ERROR)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log debug output.")
def main(verbose: bool) -> None:
    """Gremienbot: the Telegram assistant of the steering group (Lenkungsgruppe)."""
    configure_logging(verbose)


# Every command of every module; `gremienbot --help` lists them by name.
main.add_command(server.run)
main.add_command(server.db)
main.add_command(server.demo)
main.add_command(data.import_command)
main.add_command(members.invite)
main.add_command(members.members)
main.add_command(members.audit)
main.add_command(delivery.deliveries)
main.add_command(attendance.attendance)
main.add_command(broadcast.broadcast)
main.add_command(reader.read)
main.add_command(oparl_sync.sync)
