"""Sample data for the demo: the example import file plus one open invitation.

examples/lenkungsgruppe.yaml holds the steering group, the factions, the sessions of 2021
with proposal 2021/144 (TOP 3 in the Sozialausschuss, TOP 5 in the Kreistag), and the
upcoming dates of 2027, including two consultancy presentations that ask for attendance;
the requests are queued at once, so the members find them when the demo starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.services.attendance import ask_open_meetings
from bot.services.importer import import_yaml
from bot.services.invites import create_invite
from bot.services.members import set_department
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.queries.members import person_by_telegram_id

EXAMPLE_FILE = Path(__file__).resolve().parents[1] / "examples" / "lenkungsgruppe.yaml"
GROUP_KEY = "lenkungsgruppe"


@dataclass(frozen=True)
class DemoPeople:
    accounts: dict[str, tuple[int, str, str]]  # persona -> (telegram id, first, last name)
    names: dict[str, str]
    invite_token: str


# Telegram ids 1001 and 1003 are linked in the example file.
ACCOUNTS = {
    "member": (1003, "Anna", "Beispiel"),
    "admin": (1001, "Martin", "Muster"),
    "stranger": (4711, "Eva", "Fremd"),
    "new": (4712, "Clara", "Neu"),
}
# The other members linked in the example file: their chats exist, so broadcasts and
# notices reach them in the demo as they would on Telegram.
OTHER_MEMBERS = {
    1002: ("Carla", "Controlling"),
    1004: ("Bernd", "Probe"),
    1005: ("Jürgen", "Grünwald"),
}

NAMES = {
    "member": "Anna Beispiel (SPD-Fraktion, Sprecherin)",
    "admin": "Dr. Martin Muster (Sozialdezernent, administrator)",
    "stranger": "Eva Fremd (not invited)",
    "new": "Clara Neu (invited, not yet linked)",
}


async def seed_demo(database_url: str, timezone: str = "Europe/Berlin") -> DemoPeople:
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = create_session_factory(engine)
        await import_yaml(
            sessions,
            text=EXAMPLE_FILE.read_text(encoding="utf-8"),
            source=EXAMPLE_FILE.name,
            tz=ZoneInfo(timezone),
            group_key=GROUP_KEY,
            notify=False,
        )
        settings = Settings(_env_file=None, timezone=timezone, group_key=GROUP_KEY)
        async with sessions.begin() as session:
            # Martin and Carla are the administration (the Dezernat), not members of a faction.
            for telegram_id in (1001, 1002):
                person = await person_by_telegram_id(session, telegram_user_id=telegram_id)
                if person is not None and person.department_id is None:
                    await set_department(
                        session,
                        actor=None,
                        person_id=person.id,
                        department_key="dezernat-soziales",
                        now=datetime.now(UTC),
                    )
            # The presentations ask for attendance: Anna finds the requests in her chat.
            await ask_open_meetings(session, now=datetime.now(UTC), settings=settings)
            invite = await create_invite(
                session,
                actor=None,
                name="Clara Neu",
                group_key=GROUP_KEY,
                now=datetime.now(UTC),
                ttl=timedelta(days=14),
                faction_key="linke",
                function="Sprecherin",
            )
        return DemoPeople(accounts=ACCOUNTS, names=NAMES, invite_token=invite.token)
    finally:
        await engine.dispose()
