"""`gremienbot read FILE`: an import document that `gremienbot import` publishes as it is."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import yaml
from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from storage.queries.council import paper_by_reference
from tests.services.reader_corpus import LANDRATSAMT, render_pdf, render_scan_pdf

Sessions = async_sessionmaker[AsyncSession]

KNOWN = """\
organizations:
  - {key: kreistag, name: Kreistag, kind: committee}
  - {key: cdu, name: CDU-Fraktion, kind: faction}
meetings:
  - {key: kt-2022-05-02, organization: kreistag, kind: session, name: Sitzung des Kreistags,
     start: "2022-05-02T15:00"}
"""


async def invoke(database_url: str, *args: str) -> Result:
    """Run the command in a thread: it starts its own event loop, as from the shell."""
    env = {"GREMIENBOT_DATABASE_URL": database_url, "GREMIENBOT_TIMEZONE": "Europe/Berlin"}
    return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)


async def test_read_then_import_publishes_the_vorlage(
    database_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    known = tmp_path / "known.yaml"
    known.write_text(KNOWN, encoding="utf-8")
    assert (await invoke(database_url, "import", str(known), "--quiet")).exit_code == 0
    document = tmp_path / "vorlage.pdf"
    document.write_bytes(render_pdf(LANDRATSAMT))

    read = await invoke(database_url, "read", str(document))
    assert read.exit_code == 0, read.output
    content = yaml.safe_load(read.stdout)
    # Only the names the database does not know, with generated keys.
    assert content["organizations"] == [
        {
            "key": "amt-fuer-migration-und-integration",
            "name": "Amt für Migration und Integration",
            "kind": "department",
        },
        {
            "key": "ausschuss-fuer-technik-und-umwelt",
            "name": "Ausschuss für Technik und Umwelt",
            "kind": "committee",
        },
    ]
    [paper] = content["papers"]
    assert paper["reference"] == "2022/037"
    assert paper["proposal"].startswith("1. Der Ausschuss für Technik und Umwelt empfiehlt")
    assert "\n2. Die Verwaltung wird beauftragt, die Ausschreibung" in paper["proposal"]
    assert paper["consultations"][1] == {
        "organization": "kreistag",
        "date": "2022-05-02",
        "meeting": "kt-2022-05-02",
        "public": True,
    }
    assert paper["history"][0] == {
        "date": "2022-02-07",
        "organization": "kreistag",
        "reference": "2022/011",
    }
    assert paper["attachments"] == [] and paper["agenda_item"] == "3"

    as_json = await invoke(database_url, "read", str(document), "--format", "json")
    assert json.loads(as_json.stdout) == content

    out = tmp_path / "vorlage.yaml"
    out.write_text(read.stdout, encoding="utf-8")
    imported = await invoke(database_url, "import", str(out), "--quiet")
    assert imported.exit_code == 0, imported.output
    async with sessions() as session:
        stored = await paper_by_reference(session, reference="2022/037")
        assert stored is not None
        assert stored.name == LANDRATSAMT.expected.title
        assert stored.originator is not None
        assert stored.originator.key == "amt-fuer-migration-und-integration"
        assert [c.organization.key for c in stored.consultations] == [
            "ausschuss-fuer-technik-und-umwelt",
            "kreistag",
        ]
        assert stored.consultations[1].meeting_id is not None
        assert stored.agenda_item == "3" and stored.attachments == []


async def test_a_bad_file_exits_2_with_its_sentence(database_url: str, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(render_scan_pdf())
    result = await invoke(database_url, "read", str(scan))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: Ich finde in diesem Dokument keinen Text – ist es ein Scan?"
    )
    program = tmp_path / "vorlage.pdf"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)
    result = await invoke(database_url, "read", str(program))
    assert result.exit_code == 2 and "Programm" in result.stderr
