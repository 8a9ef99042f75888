"""Storage: the Alembic migration builds the whole model, and values round-trip on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Base,
    Consultation,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
    Paper,
    Person,
)


async def test_migrations_build_every_model_table_on_an_empty_database(
    empty_database_url: str,
) -> None:
    engine = create_engine(empty_database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


async def test_upgrade_twice_is_harmless(engine: AsyncEngine) -> None:
    async def schema() -> tuple[set[str], list[str]]:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            versions = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return tables, [row[0] for row in versions]

    before = await schema()
    await upgrade(engine)  # already at head: nothing to do, nothing breaks
    assert await schema() == before
    assert len(before[1]) == 1  # one head


async def _committee(session: AsyncSession) -> Organization:
    committee = Organization(
        key="sozialausschuss", name="Sozialausschuss", kind=OrganizationKind.COMMITTEE
    )
    session.add(committee)
    await session.flush()
    return committee


async def test_timestamps_come_back_aware_in_utc(session: AsyncSession) -> None:
    committee = await _committee(session)
    berlin_summer = timezone(timedelta(hours=2))
    session.add(
        Meeting(
            key="sa-2021-07-05",
            organization=committee,
            kind=MeetingKind.SESSION,
            name="Sitzung des Sozialausschusses",
            start=datetime(2021, 7, 5, 14, 0, tzinfo=berlin_summer),
        )
    )
    await session.commit()
    session.expunge_all()
    meeting = (await session.execute(select(Meeting))).scalar_one()
    assert meeting.start == datetime(2021, 7, 5, 12, 0, tzinfo=UTC)
    assert meeting.start.tzinfo is not None
    assert meeting.created_at.tzinfo is not None


async def test_naive_datetimes_are_refused(session: AsyncSession) -> None:
    committee = await _committee(session)
    session.add(
        Meeting(
            key="naive",
            organization=committee,
            kind=MeetingKind.SESSION,
            name="x",
            start=datetime(2021, 7, 5, 14, 0),
        )
    )
    with pytest.raises(Exception, match="naive datetime"):
        await session.flush()


async def test_paper_with_beratungsfolge_and_agenda_round_trips(session: AsyncSession) -> None:
    committee = await _committee(session)
    kreistag = Organization(key="kreistag", name="Kreistag", kind=OrganizationKind.COMMITTEE)
    paper = Paper(
        reference="2021/144",
        name="Entwicklung einer Sozialstrategie für den Landkreis Konstanz",
        paper_type="Beschlussvorlage",
        date=date(2021, 6, 2),
        consultations=[
            Consultation(
                position=0, organization=committee, date=date(2021, 7, 5), role="Vorberatung"
            ),
            Consultation(
                position=1,
                organization=kreistag,
                date=date(2021, 7, 26),
                role="Entscheidung",
                authoritative=True,
            ),
        ],
    )
    meeting = Meeting(
        key="kt-2021-07-26",
        organization=kreistag,
        kind=MeetingKind.SESSION,
        name="Sitzung des Kreistags",
        start=datetime(2021, 7, 26, 15, 0, tzinfo=UTC),
        agenda_items=[AgendaItem(position=0, number="5", name="Sozialstrategie", paper=paper)],
    )
    session.add_all([paper, meeting])
    await session.commit()
    session.expunge_all()
    stored = (await session.execute(select(Paper))).unique().scalar_one()
    await session.refresh(stored, ["consultations"])
    assert [c.organization.key for c in stored.consultations] == ["sozialausschuss", "kreistag"]
    assert [c.authoritative for c in stored.consultations] == [False, True]


async def test_one_attendance_per_member_and_meeting(session: AsyncSession) -> None:
    committee = await _committee(session)
    person = Person(name="Anna Beispiel")
    meeting = Meeting(
        key="p1",
        organization=committee,
        kind=MeetingKind.PRESENTATION,
        name="Präsentation",
        start=datetime(2021, 9, 1, 10, 0, tzinfo=UTC),
    )
    session.add_all([person, meeting])
    await session.flush()
    now = datetime.now(UTC)
    session.add(
        Attendance(meeting=meeting, person=person, status=AttendanceStatus.YES, updated_at=now)
    )
    await session.flush()
    session.add(
        Attendance(meeting=meeting, person=person, status=AttendanceStatus.NO, updated_at=now)
    )
    with pytest.raises(IntegrityError):
        await session.flush()
