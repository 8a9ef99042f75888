"""A temporary SQLite database with one member and a year-spanning set of meetings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.calendar import issue_calendar_secret
from storage.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    Membership,
    Organization,
    OrganizationKind,
    Person,
)

GROUP_KEY = "lenkungsgruppe"
KINDS = (
    MeetingKind.SESSION,
    MeetingKind.SESSION,
    MeetingKind.PRESENTATION,
    MeetingKind.APPOINTMENT,
)
ANSWERS = (
    AttendanceStatus.YES,
    AttendanceStatus.NO,
    AttendanceStatus.MAYBE,
    AttendanceStatus.DEPUTY,
)


async def build(session: AsyncSession, *, meetings: int, items: int, tz: ZoneInfo) -> str:
    """Fill the database; return the member's feed secret."""
    committees = [
        Organization(key=key, name=name, kind=OrganizationKind.COMMITTEE)
        for key, name in (
            (GROUP_KEY, "Lenkungsgruppe Sozialstrategie"),
            ("sozialausschuss", "Sozialausschuss"),
            ("kreistag", "Kreistag"),
        )
    ]
    member = Person(name="Anna Beispiel", language="de")
    session.add_all([*committees, member])
    session.add(Membership(person=member, organization=committees[0], start_date=date(2020, 1, 1)))
    first = datetime(2021, 1, 4, 14, 0, tzinfo=tz)
    now = datetime.now(UTC)
    for number in range(meetings):
        start = first + timedelta(days=number % 730, hours=number % 5)
        meeting = Meeting(
            key=f"m-{number}",
            organization=committees[number % len(committees)],
            kind=KINDS[number % len(KINDS)],
            name=f"Sitzung Nr. {number} – Beratung über Vorlagen und Berichte",
            start=start,
            end=start + timedelta(hours=3) if number % 2 else None,
            location="Landratsamt Konstanz, Großer Sitzungssaal",
            public=number % 3 != 0,
            cancelled=number % 17 == 0,
            sequence=number % 4,
            agenda_items=[
                AgendaItem(
                    position=position,
                    number=str(position + 1),
                    name=f"Entwicklung einer Sozialstrategie, Teil {position + 1}",
                    public=position % 4 != 3,
                )
                for position in range(items)
            ],
        )
        session.add(meeting)
        if number % 3 == 0:
            session.add(
                Attendance(
                    meeting=meeting,
                    person=member,
                    status=ANSWERS[number % len(ANSWERS)],
                    deputy_name="Dora Vertreterin",
                    updated_at=now,
                )
            )
    await session.flush()
    return await issue_calendar_secret(session, person=member)
