"""examples/lenkungsgruppe.yaml (the demo's seed data) imports cleanly and says what
DESIGN section 2 says about paper 2021/144."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import AgendaItem, Meeting, Paper
from tests.import_samples import run_import

Sessions = async_sessionmaker[AsyncSession]
EXAMPLE = Path(__file__).parents[3] / "examples" / "lenkungsgruppe.yaml"


async def test_the_example_file_imports_cleanly(sessions: Sessions) -> None:
    report = await run_import(sessions, EXAMPLE.read_text(encoding="utf-8"))

    assert report.meetings.created and not report.meetings.changed
    assert (await run_import(sessions, EXAMPLE.read_text(encoding="utf-8"))).is_empty
    async with sessions() as session:
        paper = (
            (await session.execute(select(Paper).where(Paper.reference == "2021/144")))
            .unique()
            .scalar_one()
        )
        await session.refresh(paper, ["consultations"])
        assert paper.date == date(2021, 6, 2)
        assert (
            paper.originator is not None
            and paper.originator.name == "Dezernat für Soziales und Gesundheit"
        )
        assert [
            (c.organization.key, c.date, c.public, c.role, c.authoritative)
            for c in paper.consultations
        ] == [
            ("sozialausschuss", date(2021, 7, 5), True, "Vorberatung", False),
            ("kreistag", date(2021, 7, 26), True, "Entscheidung", True),
        ]
        assert (
            paper.proposal is not None
            and paper.proposal.startswith("1. ")
            and "\n2. " in paper.proposal
        )
        top5 = (
            (
                await session.execute(
                    select(AgendaItem)
                    .join(Meeting)
                    .where(Meeting.key == "kt-2021-07-26", AgendaItem.number == "5")
                )
            )
            .unique()
            .scalar_one()
        )
        assert top5.paper_id == paper.id
        sa = (
            await session.execute(select(Meeting).where(Meeting.key == "sa-2021-07-05"))
        ).scalar_one()
        assert sa.start == datetime(2021, 7, 5, 12, 0, tzinfo=UTC)
        presentations = (
            (await session.execute(select(Meeting).where(Meeting.kind == "presentation")))
            .scalars()
            .all()
        )
        assert len(presentations) == 2
        assert all(p.rsvp and not p.public and p.start.year == 2027 for p in presentations)
