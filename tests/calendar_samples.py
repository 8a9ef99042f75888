"""Sample council data for the calendar tests, built with the ORM models directly.

Times are local Europe/Berlin wall-clock times, as an import file would give them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
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

BERLIN = ZoneInfo("Europe/Berlin")
BOT = "gremien_test_bot"
SECRET_WORD = "Geheim"  # in every name that must never reach a public feed
# When the sample rows were last changed: in the past, so feeds carry a settled Last-Modified.
SAMPLE_STAMP = datetime(2021, 6, 2, 9, 30, tzinfo=UTC)


def settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "token": "1:test",
        "public_url": "https://bot.example.org",
        "group_key": "lenkungsgruppe",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def berlin(year: int, month: int, day: int, hour: int = 14, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@dataclass
class Sample:
    sozialausschuss: Organization
    kreistag: Organization
    group: Organization
    anna: Person  # current member, German
    bernd: Person  # current member, English
    clara: Person  # membership ended
    summer: Meeting  # public session, 5 July 2021 14:00–17:00, one closed item
    winter: Meeting  # public session, 6 December 2021 14:00, no end
    closed: Meeting  # non-public session
    presentation: Meeting  # a public presentation: still never in a public feed
    appointment: Meeting
    cancelled: Meeting  # cancelled public Kreistag session


def _meeting(
    organization: Organization,
    key: str,
    name: str,
    start: datetime,
    kind: MeetingKind = MeetingKind.SESSION,
    **values: object,
) -> Meeting:
    return Meeting(key=key, organization=organization, name=name, start=start, kind=kind, **values)


async def build_sample(session: AsyncSession) -> Sample:
    committee = OrganizationKind.COMMITTEE
    sozialausschuss = Organization(key="sozialausschuss", name="Sozialausschuss", kind=committee)
    kreistag = Organization(key="kreistag", name="Kreistag", kind=committee)
    group = Organization(
        key="lenkungsgruppe", name="Lenkungsgruppe Sozialstrategie", kind=committee
    )
    spd = Organization(key="spd", name="SPD-Fraktion", kind=OrganizationKind.FACTION)
    anna = Person(name="Anna Beispiel", faction=spd, language="de")
    bernd = Person(name="Bernd Muster", language="en")
    clara = Person(name="Clara Ehemalig")
    session.add_all([sozialausschuss, kreistag, group, spd, anna, bernd, clara])
    session.add_all(
        [
            Membership(person=anna, organization=group, start_date=date(2021, 1, 1)),
            Membership(person=bernd, organization=group, start_date=date(2021, 1, 1)),
            Membership(
                person=clara,
                organization=group,
                start_date=date(2021, 1, 1),
                end_date=date(2021, 6, 30),
            ),
        ]
    )
    summer = _meeting(
        sozialausschuss,
        "sa-2021-07-05",
        "Sitzung des Sozialausschusses",
        berlin(2021, 7, 5),
        end=berlin(2021, 7, 5, 17),
        location="Landratsamt Konstanz, Großer Sitzungssaal",
        public=True,
        agenda_items=[
            AgendaItem(position=1, number="1", name="Eröffnung und Begrüßung", public=True),
            AgendaItem(
                position=2,
                number="5",
                name="Entwicklung einer Sozialstrategie für den Landkreis Konstanz; "
                "Bildung einer Lenkungsgruppe",
                public=True,
            ),
            AgendaItem(
                position=3, number="6", name=f"Personalangelegenheit {SECRET_WORD}", public=False
            ),
        ],
    )
    winter = _meeting(
        sozialausschuss, "sa-2021-12-06", "Sitzung des Sozialausschusses", berlin(2021, 12, 6)
    )
    closed = _meeting(
        sozialausschuss,
        "sa-klausur",
        f"Klausurtagung {SECRET_WORD}",
        berlin(2021, 9, 1),
        public=False,
    )
    presentation = _meeting(
        group,
        "praesentation-alpha",
        f"Präsentation {SECRET_WORD} Alpha Beratung",
        berlin(2021, 8, 10, 10),
        kind=MeetingKind.PRESENTATION,
        public=True,
        rsvp=True,
    )
    appointment = _meeting(
        group,
        "termin-1",
        f"Gespräch {SECRET_WORD}",
        berlin(2021, 8, 12, 9),
        kind=MeetingKind.APPOINTMENT,
        public=False,
    )
    cancelled = _meeting(
        kreistag, "kt-2021-07-26", "Sitzung des Kreistags", berlin(2021, 7, 26), cancelled=True
    )
    meetings = [summer, winter, closed, presentation, appointment, cancelled]
    for row in [sozialausschuss, kreistag, group, *meetings, *summer.agenda_items]:
        row.updated_at = SAMPLE_STAMP
    session.add_all(meetings)
    await session.flush()
    now = SAMPLE_STAMP
    session.add_all(
        [
            Attendance(
                meeting=presentation, person=anna, status=AttendanceStatus.YES, updated_at=now
            ),
            Attendance(
                meeting=appointment, person=anna, status=AttendanceStatus.NO, updated_at=now
            ),
            Attendance(
                meeting=summer,
                person=bernd,
                status=AttendanceStatus.DEPUTY,
                deputy_name="Dora Vertreterin",
                updated_at=now,
            ),
            Attendance(
                meeting=presentation, person=bernd, status=AttendanceStatus.MAYBE, updated_at=now
            ),
        ]
    )
    await session.commit()
    return Sample(
        sozialausschuss=sozialausschuss,
        kreistag=kreistag,
        group=group,
        anna=anna,
        bernd=bernd,
        clara=clara,
        summer=summer,
        winter=winter,
        closed=closed,
        presentation=presentation,
        appointment=appointment,
        cancelled=cancelled,
    )
