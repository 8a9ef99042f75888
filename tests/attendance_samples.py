"""Sample data for the attendance tests: a steering group of a dozen members, three factions,
two administrators, and meetings that ask for attendance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from storage.models import (
    Attendance,
    Delivery,
    Meeting,
    MeetingKind,
    Membership,
    Organization,
    OrganizationKind,
    Person,
)

Sessions = async_sessionmaker[AsyncSession]

FACTIONS = {"cdu": "CDU-Fraktion", "spd": "SPD-Fraktion", "gruene": "Grüne-Fraktion"}
# (name, telegram id, faction, admin): twelve members, two of them administrators.
MEMBERS = [
    ("Dr. Martin Muster", 2001, None, True),
    ("Carla Controlling", 2002, None, True),
    ("Anna Beispiel", 2003, "spd", False),
    ("Bernd Probe", 2004, "cdu", False),
    ("Jürgen Grünwald", 2005, "gruene", False),
    ("Sabine Sozial", 2006, "spd", False),
    ("Christa Christ", 2007, "cdu", False),
    ("Gerda Grün", 2008, "gruene", False),
    ("Karl Kasse", 2009, None, False),
    ("Olga Ordnung", 2010, None, False),
    ("Peter Plan", 2011, "cdu", False),
    ("Uwe Übersicht", 2012, "spd", False),
]


def settings(**overrides: Any) -> Settings:
    return Settings(_env_file=None, **overrides)


@dataclass
class Group:
    """Ids of the sample group: organizations by key, persons by Telegram id."""

    organizations: dict[str, int] = field(default_factory=dict)
    persons: dict[int, int] = field(default_factory=dict)

    def person(self, telegram_id: int) -> int:
        return self.persons[telegram_id]


async def make_group(sessions: Sessions) -> Group:
    group = Group()
    async with sessions.begin() as session:
        steering = Organization(
            key="lenkungsgruppe",
            name="Lenkungsgruppe Sozialstrategie",
            kind=OrganizationKind.COMMITTEE,
        )
        factions = [
            Organization(key=key, name=name, kind=OrganizationKind.FACTION)
            for key, name in FACTIONS.items()
        ]
        session.add_all([steering, *factions])
        await session.flush()
        group.organizations = {org.key: org.id for org in [steering, *factions]}
        for name, telegram_id, faction, admin in MEMBERS:
            person = Person(
                name=name,
                telegram_user_id=telegram_id,
                is_admin=admin,
                faction_id=group.organizations[faction] if faction else None,
                function="Sprecherin" if faction else "Verwaltung",
            )
            session.add(person)
            session.add(
                Membership(person=person, organization_id=steering.id, start_date=date(2021, 1, 1))
            )
            await session.flush()
            group.persons[telegram_id] = person.id
    return group


async def add_meeting(
    sessions: Sessions,
    group: Group,
    *,
    key: str = "praes-nord",
    name: str = "Präsentation: Sozialplanung Nord GmbH",
    start: datetime | None = None,
    rsvp: bool = True,
    kind: MeetingKind = MeetingKind.PRESENTATION,
) -> int:
    start = start or datetime.now(UTC) + timedelta(days=20)
    async with sessions.begin() as session:
        meeting = Meeting(
            key=key,
            organization_id=group.organizations["lenkungsgruppe"],
            kind=kind,
            name=name,
            start=start,
            end=start + timedelta(hours=1, minutes=30),
            location="Landratsamt Konstanz, Raum 214",
            public=False,
            rsvp=rsvp,
        )
        session.add(meeting)
        await session.flush()
        return meeting.id


async def answers(sessions: Sessions, meeting_id: int) -> list[Attendance]:
    async with sessions() as session:
        query = select(Attendance).where(Attendance.meeting_id == meeting_id)
        return list((await session.execute(query.order_by(Attendance.person_id))).scalars())


async def deliveries(sessions: Sessions, prefix: str) -> list[Delivery]:
    async with sessions() as session:
        query = select(Delivery).where(Delivery.event_key.startswith(prefix))
        return list((await session.execute(query.order_by(Delivery.id))).scalars())


async def person(sessions: Sessions, person_id: int) -> Person:
    async with sessions() as session:
        found = await session.get(Person, person_id)
        assert found is not None
        return found
