"""`gremienbot read FILE [--format yaml|json]`: a Vorlage document as an import document."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click
import yaml

from bot.cli.common import fail, fail_with, settings_or_exit
from bot.config import Settings
from bot.services.reader import MAX_BYTES, ReadError, Vorlage, read_vorlage
from bot.services.reader.errors import TOO_LARGE
from bot.services.reader.import_document import ImportDocument, import_document


class _Dumper(yaml.SafeDumper):
    """Multi-line text (the proposal's points) as a literal block, as a person would write it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


async def _document(settings: Settings, vorlage: Vorlage) -> ImportDocument:
    from storage.engine import create_engine, create_session_factory
    from storage.migrate import upgrade

    engine = create_engine(settings.database_url)
    try:
        await upgrade(engine)
        async with create_session_factory(engine)() as session:
            return await import_document(session, vorlage, tz=settings.tz)
    finally:
        await engine.dispose()


@click.command("read")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Output format; both have the same structure and keys.",
)
def read(file: Path, output: str) -> None:
    """Read a Vorlage document (PDF, DOCX, ODT or text) and print it as an import document.

    `gremienbot read v.pdf > v.yaml` and then `gremienbot import v.yaml` publishes it.
    Organizations the database does not know are listed under `organizations:` with a
    generated key. A file that cannot be read gives one sentence and exit status 2.
    """
    settings = settings_or_exit()
    try:
        if file.stat().st_size > MAX_BYTES:
            raise ReadError(TOO_LARGE, megabytes=MAX_BYTES // (1024 * 1024))
        vorlage = read_vorlage(file.read_bytes())
    except ReadError as error:
        fail_with(error, settings)
        return
    except OSError as error:
        fail(f"{file} cannot be read: {error.strerror}.")
        return
    document = asyncio.run(_document(settings, vorlage))
    if output == "json":
        click.echo(json.dumps(document.content, ensure_ascii=False, indent=2))
    else:
        click.echo(
            yaml.dump(
                document.content, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100
            ),
            nl=False,
        )
    if document.missing:
        click.echo(
            "Not found in the document (add before importing): " + ", ".join(document.missing),
            err=True,
        )
