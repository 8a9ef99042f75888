"""A generated, realistic import file for the import tests: several committees, 32 meetings
with 70 agenda items, papers with several consultations, and titles with umlauts, `&`, `<`,
`>` and quotes. Built as a dict (easy to change one value) and dumped to YAML text."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.importer import ImportInvalid, ImportReport, import_yaml
from bot.services.importer.validate import ImportData, Known, check_references, parse

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 1, 1, 9, 0, tzinfo=ZoneInfo("UTC"))  # before every sample meeting
GROUP = "lenkungsgruppe"
COMMITTEES = [
    (GROUP, "Lenkungsgruppe Sozialstrategie"),
    ("sozialausschuss", "Sozialausschuss"),
    ("kreistag", "Kreistag"),
    ("jha", 'Jugendhilfe- & Schulausschuss "JHA" <beratend>'),
]
FACTIONS = [
    ("cdu", "CDU-Fraktion"),
    ("fw", "Fraktion der Freien Wähler"),
    ("spd", "SPD-Fraktion"),
    ("gruene", "Fraktion Bündnis 90/Die Grünen"),
    ("fdp", "FDP-Fraktion"),
    ("linke", "Fraktion Die Linke"),
]
MEETING_COUNT = 32
FIRST_DAY = date(2026, 1, 12)  # a Monday; the series crosses the change to summer time


def paper_reference(number: int) -> str:
    return f"2026/{number:03d}"


def meeting_key(number: int) -> str:
    return f"m-{number:02d}"


def local(day: date, hour: int, minute: int = 0) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}"


def sample() -> dict[str, Any]:
    """A fresh copy of the sample file's content."""
    organizations = [{"key": key, "name": name, "kind": "committee"} for key, name in COMMITTEES]
    organizations += [{"key": key, "name": name, "kind": "faction"} for key, name in FACTIONS]
    organizations.append(
        {
            "key": "dezernat-soziales",
            "name": "Dezernat für Soziales & Gesundheit",
            "kind": "department",
        }
    )
    members: list[dict[str, Any]] = [
        {
            "name": "Dr. Martin Muster",
            "function": "Sozialdezernent",
            "admin": True,
            "telegram_id": 9001,
        },
        {"name": "Anna Beispiel", "faction": "spd", "function": "Sprecherin", "telegram_id": 9002},
        {
            "name": "Jürgen Grünwald",
            "faction": "gruene",
            "function": "Sprecher",
            "telegram_id": 9003,
        },
        {"name": "Fiona Freitag", "faction": "fw", "function": "Sprecherin"},
    ]
    papers: list[dict[str, Any]] = []
    meetings: list[dict[str, Any]] = []
    for number in range(MEETING_COUNT):
        committee = COMMITTEES[number % len(COMMITTEES)][0]
        day = FIRST_DAY + timedelta(days=7 * number)
        kind = "presentation" if committee == GROUP and number % 8 == 4 else "session"
        meeting: dict[str, Any] = {
            "key": meeting_key(number),
            "organization": committee,
            "kind": kind,
            "name": f"Sitzung Nr. {number} – Größe & „Qualität“ <öffentlich?>",
            "start": local(day, 14),
            "end": local(day, 17, 30),
            "location": "Landratsamt Konstanz, Großer Sitzungssaal",
            "rsvp": kind == "presentation",
            "agenda": [
                {"number": "1", "name": f"Bekanntgaben ({number}) & Anfragen"},
                {"number": "2", "name": 'Bericht "Pflege" <Entwurf> – Übersicht'},
            ],
        }
        if kind == "session" and committee != GROUP:
            meeting["public"] = True
        meetings.append(meeting)
    # Papers: each on the agenda of three meetings of different committees.
    for number in range(10):
        reference = paper_reference(number + 1)
        first = 1 + number * 3
        consultations = []
        for step, index in enumerate((first, first + 1, first + 2)):
            meeting = meetings[index]
            meeting["agenda"].append(
                {"number": "3", "name": f"Vorlage {reference}: Änderung", "paper": reference}
            )
            consultations.append(
                {
                    "organization": meeting["organization"],
                    "meeting": meeting["key"],
                    "public": meeting.get("public", False),
                    "role": "Entscheidung" if step == 2 else "Vorberatung",
                    "authoritative": step == 2,
                }
            )
        papers.append(
            {
                "reference": reference,
                "name": f'Änderung der Satzung "Schülerbeförderung" & Zuschüsse <{number}>',
                "paper_type": "Beschlussvorlage",
                "date": (FIRST_DAY - timedelta(days=10 - number)).isoformat(),
                "originator": "dezernat-soziales",
                "proposal": "1. Der Änderung wird zugestimmt.\n2. Die Verwaltung berichtet.",
                "summary": f"Sachverhalt Nr. {number}: Kosten < 5 % & Nutzen > Aufwand.",
                "consultations": consultations,
            }
        )
    return {
        "body": {"key": "lk-konstanz", "name": "Landkreis Konstanz"},
        "organizations": organizations,
        "members": members,
        "meetings": meetings,
        "papers": papers,
    }


def dump(content: dict[str, Any]) -> str:
    return yaml.safe_dump(copy.deepcopy(content), allow_unicode=True, sort_keys=False)


def utc_of(local_text: str) -> datetime:
    """The aware UTC time of a local time as written in the file."""
    return datetime.fromisoformat(local_text).replace(tzinfo=BERLIN).astimezone(ZoneInfo("UTC"))


async def run_import(
    sessions: async_sessionmaker[AsyncSession], content: dict[str, Any] | str, **options: Any
) -> ImportReport:
    text = content if isinstance(content, str) else dump(content)
    return await import_yaml(
        sessions, text=text, source="test.yaml", tz=BERLIN, group_key=GROUP, now=NOW, **options
    )


def validate(text: str, *, known: Known | None = None) -> ImportData:
    """The importer's two checks (shape, then references), as bot/services/importer runs them,
    without a database."""
    data, found = parse(text, tz=BERLIN)
    found += check_references(data, known or Known(), group_key=GROUP)
    if found:
        raise ImportInvalid(found)
    return data
