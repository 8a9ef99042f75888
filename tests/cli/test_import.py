"""`gremienbot import FILE [--dry-run] [--quiet]` in-process with click's CliRunner."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from storage.models import AuditEntry, Meeting
from tests.import_samples import dump, sample

Sessions = async_sessionmaker[AsyncSession]


async def invoke(database_url: str, *args: str) -> Result:
    """Run the command in a thread: it starts its own event loop, as from the shell."""
    runner = CliRunner()
    env = {"GREMIENBOT_DATABASE_URL": database_url, "GREMIENBOT_TIMEZONE": "Europe/Berlin"}
    return await asyncio.to_thread(runner.invoke, main, ["import", *args], env=env)


async def count(sessions: Sessions, model: type[Meeting] | type[AuditEntry]) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count(model.id)))).scalar_one()


def write(path: Path, content: dict[str, Any]) -> None:
    path.write_text(dump(content), encoding="utf-8")


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "sitzungen.yaml"
    write(path, sample())
    return path


async def test_import_prints_a_summary_and_a_second_run_changes_nothing(
    database_url: str, sessions: Sessions, sample_file: Path
) -> None:
    first = await invoke(database_url, str(sample_file))
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == (
        "sitzungen.yaml: bodies 1 created; organizations 11 created; members 4 created; "
        "meetings 32 created; papers 10 created"
    )
    assert "Without Telegram link (invite with `gremienbot invite`): Fiona Freitag" in first.output
    assert await count(sessions, Meeting) == 32

    second = await invoke(database_url, str(sample_file), "--quiet")
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[0] == "sitzungen.yaml: no changes"
    assert second.output.splitlines()[-1] == "Nobody was notified (--quiet)."


async def test_a_moved_meeting_is_shown_with_old_and_new_time(
    database_url: str, sample_file: Path
) -> None:
    await invoke(database_url, str(sample_file))
    content = sample()
    content["meetings"][7]["start"] = content["meetings"][7]["start"].replace("T14:00", "T15:30")
    write(sample_file, content)

    result = await invoke(database_url, str(sample_file), "--quiet")

    assert result.exit_code == 0, result.output
    assert "  ~ meeting m-07: start 2026-03-02 14:00 → 2026-03-02 15:30" in result.output


async def test_dry_run_writes_nothing(
    database_url: str, sessions: Sessions, sample_file: Path
) -> None:
    result = await invoke(database_url, str(sample_file), "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Dry run, nothing was written. sitzungen.yaml: ")
    assert "meetings 32 created" in result.output
    assert await count(sessions, Meeting) == 0
    assert await count(sessions, AuditEntry) == 0


async def test_a_broken_file_exits_2_and_lists_every_problem(
    database_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    content = sample()
    content["meetings"][0]["start"] = "2021-02-30T14:00"
    content["meetings"][1]["organization"] = "bauausschuss"
    path = tmp_path / "kaputt.yaml"
    write(path, content)

    result = await invoke(database_url, str(path))

    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert any(
        line.startswith(f"{path}: line ")
        and "meetings[0].start: '2021-02-30T14:00' is not a valid date" in line
        for line in lines
    )
    assert any(
        "meetings[1].organization: the organization 'bauausschuss'" in line for line in lines
    )
    assert lines[-1] == f"Error: {path} was not imported (2 problems); nothing was written."
    assert await count(sessions, Meeting) == 0


async def test_a_file_that_is_not_utf8_exits_2(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        "organizations: [{key: a, name: Gr\u00fcne, kind: faction}]\n".encode("latin-1")
    )

    result = await invoke(database_url, str(path))

    assert result.exit_code == 2
    assert "is not UTF-8 text" in result.output


async def test_a_missing_file_exits_2(database_url: str, tmp_path: Path) -> None:
    result = await invoke(database_url, str(tmp_path / "fehlt.yaml"))
    assert result.exit_code == 2
    assert "does not exist" in result.output
