"""Agenda items of a first OParl sync wait for their Vorlagen (`hold_agenda_items`) and are
written once, when released: each with the Vorlage of the consultation it names, in the order
they were held; a rolled-back sync leaves nothing waiting behind. On both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import (
    AgendaItem,
    Consultation,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
    Paper,
)
from storage.queries.oparl_bulk import hold_agenda_items, release_agenda_items

Sessions = async_sessionmaker[AsyncSession]
CONSULTATION = "https://ris.example/oparl/consultation/1"


async def council(sessions: Sessions) -> tuple[int, int, int]:
    """A committee's meeting and two Vorlagen, the first with a consultation named by its OParl
    id: (meeting id, first paper id, second paper id)."""
    async with sessions.begin() as session:
        committee = Organization(key="sa", name="Sozialausschuss", kind=OrganizationKind.COMMITTEE)
        meeting = Meeting(
            key="sa-1",
            organization=committee,
            kind=MeetingKind.SESSION,
            name="Sitzung",
            start=datetime(2030, 3, 4, 13, 0, tzinfo=UTC),
        )
        first = Paper(reference="2030/001", name="Radwegekonzept", paper_type="Vorlage")
        second = Paper(reference="2030/002", name="Schulbau", paper_type="Vorlage")
        first.consultations.append(
            Consultation(position=0, organization=committee, oparl_id=CONSULTATION)
        )
        session.add_all([meeting, first, second])
        await session.flush()
        return meeting.id, first.id, second.id


def entry(meeting: int, position: int, consultation: str | None, paper: int | None) -> Any:
    return {
        "meeting_id": meeting,
        "position": position,
        "number": str(position + 1),
        "name": f"TOP {position + 1}",
        "public": True,
        "paper_id": paper,
        "result": None,
        "oparl_id": f"https://ris.example/oparl/agendaitem/{position}",
        "consultation_oparl_id": consultation,
    }


async def agenda(session: AsyncSession) -> list[tuple[str, int | None]]:
    rows = await session.execute(
        select(AgendaItem.number, AgendaItem.paper_id).order_by(AgendaItem.id)
    )
    return [(number, paper) for number, paper in rows]


async def test_held_items_are_written_once_released_with_the_vorlage_of_their_consultation(
    sessions: Sessions,
) -> None:
    meeting, first, second = await council(sessions)
    async with sessions.begin() as session:
        await hold_agenda_items(
            session,
            rows=[
                entry(meeting, 0, CONSULTATION, None),  # its Vorlage is there by now
                entry(meeting, 1, "https://ris.example/oparl/consultation/unknown", None),
            ],
        )
        await hold_agenda_items(session, rows=[entry(meeting, 2, None, second)])
        assert await agenda(session) == []  # waiting, not yet written
        await release_agenda_items(session)
        assert await agenda(session) == [("1", first), ("2", None), ("3", second)]
        await release_agenda_items(session)  # nothing waits any more: nothing written twice
    async with sessions() as session:
        assert await agenda(session) == [("1", first), ("2", None), ("3", second)]


async def test_a_rolled_back_sync_leaves_nothing_waiting(sessions: Sessions) -> None:
    meeting, first, _ = await council(sessions)
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await hold_agenda_items(session, rows=[entry(meeting, 0, CONSULTATION, None)])
            raise RuntimeError("the server went down")
    async with sessions.begin() as session:
        await hold_agenda_items(session, rows=[entry(meeting, 5, CONSULTATION, None)])
        await release_agenda_items(session)
    async with sessions() as session:
        assert await agenda(session) == [("6", first)]
        count = select(func.count()).select_from(AgendaItem)
        assert (await session.execute(count)).scalar_one() == 1
