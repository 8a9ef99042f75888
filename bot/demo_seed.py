"""Sample data for the demo: the steering group, its factions and members, and one invitation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.services.invites import create_invite
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import Membership, Organization, OrganizationKind, Person


@dataclass(frozen=True)
class DemoPeople:
    accounts: dict[str, tuple[int, str, str]]  # persona -> (telegram id, first, last name)
    names: dict[str, str]
    invite_token: str


ACCOUNTS = {
    "member": (1001, "Anna", "Beispiel"),
    "admin": (1002, "Bernd", "Verwaltung"),
    "stranger": (1003, "Eva", "Fremd"),
    "new": (1004, "Clara", "Neu"),
}
NAMES = {
    "member": "Anna Beispiel (SPD-Fraktion, Sprecherin)",
    "admin": "Dr. Bernd Verwaltung (Sozialdezernent, administrator)",
    "stranger": "Eva Fremd (not invited)",
    "new": "Clara Neu (invited, not yet linked)",
}


async def seed_demo(database_url: str) -> DemoPeople:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = create_session_factory(engine)
        now = datetime.now(UTC)
        async with sessions.begin() as session:
            group = Organization(
                key="lenkungsgruppe",
                name="Lenkungsgruppe Sozialstrategie",
                kind=OrganizationKind.COMMITTEE,
            )
            spd = Organization(key="spd", name="SPD-Fraktion", kind=OrganizationKind.FACTION)
            gruene = Organization(
                key="gruene", name="Grüne-Fraktion", kind=OrganizationKind.FACTION
            )
            session.add_all([group, spd, gruene])
            anna = Person(
                name="Anna Beispiel", faction=spd, function="Sprecherin", telegram_user_id=1001
            )
            bernd = Person(
                name="Dr. Bernd Verwaltung",
                function="Sozialdezernent",
                is_admin=True,
                telegram_user_id=1002,
            )
            for person in (anna, bernd):
                session.add(person)
                session.add(
                    Membership(person=person, organization=group, start_date=date(2021, 7, 26))
                )
            await session.flush()
            invite = await create_invite(
                session,
                actor=bernd,
                name="Clara Neu",
                group_key="lenkungsgruppe",
                now=now,
                ttl=timedelta(days=14),
                faction_key="gruene",
                function="Sprecherin",
            )
        return DemoPeople(accounts=ACCOUNTS, names=NAMES, invite_token=invite.token)
    finally:
        await engine.dispose()
