"""Import keys from the Vorlage: agenda_item, history, attachments; a member's department."""

from __future__ import annotations

from textwrap import dedent

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.importer import ImportInvalid, Problem
from bot.views.council import paper_blocks
from storage.models import Paper, Person
from storage.queries.council import paper_details
from tests.import_samples import BERLIN, run_import, sample, validate

Sessions = async_sessionmaker[AsyncSession]


def problems(text: str) -> list[Problem]:
    with pytest.raises(ImportInvalid) as raised:
        validate(dedent(text))
    return raised.value.problems


async def test_a_paper_keeps_agenda_item_history_and_attachments(sessions: Sessions) -> None:
    content = sample()
    paper = content["papers"][0]
    paper["agenda_item"] = 5
    paper["history"] = [
        {"date": "2021-04-26", "organization": "sozialausschuss", "reference": "2021/081"}
    ]
    paper["attachments"] = ["Lageplan", "Kostenschätzung"]
    await run_import(sessions, content)
    again = await run_import(sessions, content)
    assert not again.papers.changed  # idempotent with the new keys

    async with sessions() as session:
        stored = (
            (await session.execute(select(Paper).where(Paper.reference == paper["reference"])))
            .unique()
            .scalar_one()
        )
    assert stored.agenda_item == "5"
    assert stored.history == [
        {
            "date": "2021-04-26",
            "organization": "sozialausschuss",
            "name": "Sozialausschuss",
            "reference": "2021/081",
        }
    ]
    assert stored.attachments == ["Lageplan", "Kostenschätzung"]

    paper["attachments"] = []  # "Anlagen: Keine"
    report = await run_import(sessions, content)
    [change] = report.papers.changed
    assert [(c.field, c.old, c.new) for c in change.changes] == [
        ("attachments", "Lageplan; Kostenschätzung", "")
    ]


async def test_a_member_of_the_administration_has_a_department(sessions: Sessions) -> None:
    content = sample()
    content["members"][0]["department"] = "dezernat-soziales"
    await run_import(sessions, content)
    async with sessions() as session:
        person = (
            (await session.execute(select(Person).where(Person.telegram_user_id == 9001)))
            .unique()
            .scalar_one()
        )
        assert person.department is not None and person.department.key == "dezernat-soziales"
        assert person.faction is None


BASE = """\
organizations:
  - {key: lenkungsgruppe, name: Lenkungsgruppe, kind: committee}
  - {key: spd, name: SPD-Fraktion, kind: faction}
  - {key: dezernat, name: Dezernat für Soziales, kind: department}
"""


def test_a_department_given_as_faction_says_to_use_department() -> None:
    [problem] = problems(BASE + "members:\n  - {name: Dr. M, faction: dezernat}\n")
    assert problem.line == 6 and problem.place == "members[0].faction"
    assert "'dezernat' is a department, not a faction: write 'department: dezernat'" in str(problem)


def test_a_member_has_a_faction_or_a_department_not_both() -> None:
    [problem] = problems(BASE + "members:\n  - {name: A, faction: spd, department: dezernat}\n")
    assert problem.place == "members[0].department"
    assert "not both" in problem.message
    [problem] = problems(BASE + "members:\n  - {name: A, department: spd}\n")
    assert "'spd' is a faction, not a department" in problem.message


def test_history_names_a_known_committee_and_a_date() -> None:
    found = problems(
        BASE
        + "papers:\n  - reference: '2026/1'\n    name: X\n    paper_type: Antrag\n"
        + "    history:\n      - {date: 2026-02-30, organization: kreistag}\n"
    )
    messages = sorted(f"{p.place}: {p.message}" for p in found)
    assert messages == [
        "papers[0].history[0].date: '2026-02-30' is not a valid date",
        "papers[0].history[0].organization: the committee 'kreistag' is neither among the "
        "organizations of this file nor in the database",
    ]


async def test_the_vorlage_view_shows_agenda_item_history_and_attachments(
    sessions: Sessions,
) -> None:
    content = sample()
    paper = content["papers"][0]
    paper["agenda_item"] = "5"
    paper["history"] = [{"date": "2021-04-26", "organization": "sozialausschuss"}]
    paper["attachments"] = []
    await run_import(sessions, content)
    async with sessions() as session:
        details = await paper_details(session, reference=paper["reference"])
    assert details is not None
    text = "\n".join(paper_blocks(details, "de", BERLIN))
    assert "Tagesordnungspunkt laut Vorlage: TOP 5" in text
    assert "<b>Historie</b>\n• 26. April 2021, Sozialausschuss" in text
    assert "<b>Anlagen</b>: keine" in text
