"""A small import file for the notice and reminder tests (no tests here): a public and a
non-public meeting in 2030, one paper, three linked members and one without Telegram."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.importer import ImportReport, import_yaml
from bot.services.notices import change_notifier
from storage.models import Delivery, GroupChat, Organization, Person

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2030, 1, 10, 9, 0, tzinfo=UTC)  # before the sample's meetings
ANNA, BERND, CARLA = 2001, 2002, 2003
GROUP_CHAT = -100500

_BASE: dict[str, Any] = {
    "organizations": [
        {"key": "lenkungsgruppe", "name": "Lenkungsgruppe Sozialstrategie", "kind": "committee"},
        {"key": "sozialausschuss", "name": "Sozialausschuss", "kind": "committee"},
        {"key": "spd", "name": "SPD-Fraktion", "kind": "faction"},
        {"key": "cdu", "name": "CDU-Fraktion", "kind": "faction"},
        {"key": "dezernat", "name": "Dezernat für Soziales", "kind": "department"},
    ],
    "members": [
        {"name": "Anna Beispiel", "faction": "spd", "telegram_id": ANNA},
        {"name": "Bernd Probe", "faction": "cdu", "telegram_id": BERND},
        {"name": "Carla Controlling", "admin": True, "telegram_id": CARLA},
        {"name": "Dora Ohnelink", "faction": "spd"},
    ],
    "meetings": [
        {
            "key": "sa-2030-03-04",
            "organization": "sozialausschuss",
            "kind": "session",
            "name": "Sitzung des Sozialausschusses",
            "start": "2030-03-04T14:00",
            "end": "2030-03-04T17:00",
            "location": "Landratsamt",
            "public": True,
            "agenda": [
                {"number": "1", "name": "Bekanntgaben"},
                {"number": "2", "name": "Personalsache Müller", "public": False},
            ],
        },
        {
            "key": "lg-2030-03-10",
            "organization": "lenkungsgruppe",
            "kind": "session",
            "name": "Sitzung der Lenkungsgruppe",
            "start": "2030-03-10T16:00",
            "public": False,
        },
    ],
    "papers": [
        {
            "reference": "2030/001",
            "name": "Sozialstrategie & Co",
            "paper_type": "Beschlussvorlage",
            "date": "2030-01-05",
            "originator": "dezernat",
            "consultations": [
                {"organization": "sozialausschuss", "meeting": "sa-2030-03-04", "public": True}
            ],
        }
    ],
}


def content() -> dict[str, Any]:
    return copy.deepcopy(_BASE)


def settings() -> Settings:
    return Settings(_env_file=None, timezone="Europe/Berlin", language="de")


async def run(
    sessions: async_sessionmaker[AsyncSession],
    data: dict[str, Any],
    *,
    notify: bool = True,
    now: datetime = NOW,
) -> ImportReport:
    return await import_yaml(
        sessions,
        text=yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
        source="test.yaml",
        tz=BERLIN,
        group_key="lenkungsgruppe",
        now=now,
        notify=notify,
        notifier=change_notifier(settings(), now=now),
    )


async def prepare(sessions: async_sessionmaker[AsyncSession], **person_values: Any) -> None:
    """Import the base quietly, make Bernd English, connect a group chat."""
    await run(sessions, content(), notify=False)
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == BERND).values(language="en")
        )
        # Carla belongs to the administration (a department; the import's key is another
        # change's, so it is set here).
        dezernat = (
            await session.execute(select(Organization).where(Organization.key == "dezernat"))
        ).scalar_one()
        await session.execute(
            update(Person).where(Person.telegram_user_id == CARLA).values(department_id=dezernat.id)
        )
        session.add(GroupChat(chat_id=GROUP_CHAT, title="Lenkungsgruppe"))


async def deliveries(sessions: async_sessionmaker[AsyncSession]) -> list[Delivery]:
    async with sessions() as session:
        query = select(Delivery).order_by(Delivery.id)
        return list((await session.execute(query)).scalars())


def by_chat(rows: list[Delivery]) -> dict[int, list[Delivery]]:
    result: dict[int, list[Delivery]] = {}
    for row in rows:
        result.setdefault(row.chat_id, []).append(row)
    return result
