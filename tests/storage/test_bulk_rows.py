"""The OParl sync's bulk writes below the ORM, on both databases (and on SQLite both ways: one
statement over JSON, and row by row for libraries older than 3.38): rows come back through the
ORM exactly as written (quotes, line breaks, non-Latin text, dates, date-times, flags, nothing),
and the consultations' link to their meetings fills in only what is missing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import (
    Consultation,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
    Paper,
)
from storage.queries import oparl_bulk
from storage.queries.oparl import link_consultations
from storage.queries.oparl_bulk import insert_rows, reserve_ids

TRICKY = 'Vorlage "Ölpreis" – Maßnahme\nzweite Zeile, 50 % \\ Pfad, 学校, 🚲'


@pytest.mark.parametrize("one_statement", [True, False], ids=["json", "row-by-row"])
async def test_bulk_rows_come_back_through_the_orm_as_written(
    sessions: async_sessionmaker[AsyncSession],
    one_statement: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not one_statement and sessions.kw["bind"].dialect.name != "sqlite":
        pytest.skip("PostgreSQL writes by COPY either way")
    monkeypatch.setattr(oparl_bulk, "JSON_STATEMENTS", one_statement)
    start = datetime(2030, 3, 4, 13, 0, tzinfo=UTC)
    async with sessions.begin() as session:
        session.add(Organization(key="sa", name="Sozialausschuss", kind=OrganizationKind.COMMITTEE))
        await session.flush()
        organization = (await session.execute(select(Organization))).scalar_one()
        [paper_id] = await reserve_ids(session, table="papers", count=1)
        [meeting_id, other_id] = await reserve_ids(session, table="meetings", count=2)
        await insert_rows(
            session,
            table="papers",
            rows=[
                {
                    "id": paper_id,
                    "reference": "2030/001",
                    "name": TRICKY,
                    "paper_type": "Beschlussvorlage",
                    "date": date(2030, 2, 1),
                    "originator_id": None,
                    "oparl_id": "https://ris.example/oparl/paper/1",
                }
            ],
        )
        await insert_rows(
            session,
            table="meetings",
            rows=[
                {
                    "id": number,
                    "key": key,
                    "organization_id": organization.id,
                    "kind": MeetingKind.SESSION,
                    "name": "Sitzung",
                    "start": start,
                    "end": None,
                    "location": None,
                    "public": True,
                    "cancelled": cancelled,
                    "rsvp": False,
                    "sequence": 0,
                }
                for number, key, cancelled in (
                    (meeting_id, "sa-1", False),
                    (other_id, "sa-2", True),
                )
            ],
        )
        await insert_rows(
            session,
            table="consultations",
            rows=[
                {
                    "paper_id": paper_id,
                    "position": position,
                    "organization_id": organization.id,
                    "meeting_id": meeting,
                    "date": day,
                    "public": True,
                    "role": role,
                    "authoritative": position == 1,
                    "oparl_id": f"https://ris.example/oparl/consultation/{position}",
                }
                for position, meeting, day, role in (
                    (0, None, None, "Vorberatung"),
                    (1, other_id, date(2030, 4, 1), None),
                )
            ],
        )
    async with sessions.begin() as session:
        steps = (
            await session.execute(select(Consultation).order_by(Consultation.position))
        ).scalars()
        # The first step takes its meeting (the first agenda that names it, when two do); the
        # second keeps the one it has.
        first, second = [step.id for step in steps]
        await link_consultations(
            session,
            links=[
                (first, meeting_id, date(2030, 3, 4)),
                (second, meeting_id, date(2030, 3, 4)),
                (first, other_id, date(2030, 4, 1)),
            ],
        )
    async with sessions() as session:
        paper = (await session.execute(select(Paper))).unique().scalar_one()
        assert (paper.name, paper.date, paper.originator) == (TRICKY, date(2030, 2, 1), None)
        meetings = {m.key: m for m in (await session.execute(select(Meeting))).unique().scalars()}
        assert meetings["sa-1"].start == start and meetings["sa-1"].kind is MeetingKind.SESSION
        assert (meetings["sa-1"].cancelled, meetings["sa-2"].cancelled) == (False, True)
        assert meetings["sa-1"].end is None
        rows = (
            await session.execute(
                select(
                    Consultation.meeting_id,
                    Consultation.date,
                    Consultation.role,
                    Consultation.authoritative,
                ).order_by(Consultation.position)
            )
        ).all()
        assert [tuple(row) for row in rows] == [
            (meeting_id, date(2030, 3, 4), "Vorberatung", False),
            (other_id, date(2030, 4, 1), None, True),
        ]
