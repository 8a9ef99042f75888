"""The YAML import against both databases: one pass, idempotent, exact change reports."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.importer import (
    AgendaItemInfo,
    AgendaRename,
    FieldChange,
    ImportInvalid,
)
from storage.models import (
    AgendaItem,
    AuditEntry,
    Body,
    Consultation,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)
from tests.import_samples import (
    MEETING_COUNT,
    dump,
    meeting_key,
    run_import,
    sample,
    utc_of,
)

Sessions = async_sessionmaker[AsyncSession]
TABLES: list[Any] = [Body, Organization, Person, Membership, Meeting, AgendaItem, Paper]


async def snapshot(sessions: Sessions) -> dict[str, Any]:
    """Every row's update time, consultation rows and the number of audit entries."""
    async with sessions() as session:
        state: dict[str, Any] = {}
        for model in TABLES:
            rows = (await session.execute(select(model.id, model.updated_at))).all()
            state[model.__tablename__] = sorted(rows)
        consultations = await session.execute(
            select(Consultation.id, Consultation.paper_id, Consultation.role)
        )
        state["consultations"] = sorted(consultations.all())
        state["audit"] = (await session.execute(select(func.count(AuditEntry.id)))).scalar_one()
    return state


async def meeting(sessions: Sessions, key: str) -> Meeting:
    async with sessions() as session:
        return (await session.execute(select(Meeting).where(Meeting.key == key))).scalar_one()


async def test_generated_file_imports_in_one_pass(sessions: Sessions) -> None:
    content = sample()
    report = await run_import(sessions, content)

    assert len(report.meetings.created) == MEETING_COUNT
    assert len(report.papers.created) == 10
    assert len(report.organizations.created) == 11
    assert [ref.name for ref in report.members.created][:2] == [
        "Dr. Martin Muster",
        "Anna Beispiel",
    ]
    assert report.members.uninvited == ["Fiona Freitag"]
    assert all(ref.id > 0 for ref in report.meetings.created)
    async with sessions() as session:
        items = (await session.execute(select(func.count(AgendaItem.id)))).scalar_one()
        assert items == sum(len(m["agenda"]) for m in content["meetings"]) >= 40
        paper = (
            await session.execute(select(Paper).where(Paper.reference == "2026/004"))
        ).scalar_one()
        assert paper.name == 'Änderung der Satzung "Schülerbeförderung" & Zuschüsse <3>'
        assert paper.summary == "Sachverhalt Nr. 3: Kosten < 5 % & Nutzen > Aufwand."
        await session.refresh(paper, ["consultations"])
        assert [c.role for c in paper.consultations] == [
            "Vorberatung",
            "Vorberatung",
            "Entscheidung",
        ]
        assert [c.authoritative for c in paper.consultations] == [False, False, True]
        winter = (await session.execute(select(Meeting).where(Meeting.key == "m-00"))).scalar_one()
        summer = (await session.execute(select(Meeting).where(Meeting.key == "m-20"))).scalar_one()
        # 14:00 in Konstanz is 13:00 UTC in winter and 12:00 UTC in summer.
        assert winter.start == datetime(2026, 1, 12, 13, 0, tzinfo=UTC)
        assert summer.start == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
        # A presentation without `public` is internal; a committee session is public.
        presentation = (
            await session.execute(select(Meeting).where(Meeting.key == "m-04"))
        ).scalar_one()
        assert (presentation.kind, presentation.public) == ("presentation", False)
        assert winter.public is True
        members = (await session.execute(select(func.count(Membership.id)))).scalar_one()
        assert members == 4


async def test_reimport_changes_nothing(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    before = await snapshot(sessions)

    report = await run_import(sessions, content)

    assert report.is_empty
    assert report.one_line() == "test.yaml: no changes"
    after = await snapshot(sessions)
    assert after.pop("audit") == before.pop("audit") + 1  # who ran the import is recorded
    assert after == before


async def test_moving_one_meeting_changes_exactly_that_meeting(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    before = await snapshot(sessions)
    old = await meeting(sessions, "m-07")
    content["meetings"][7]["start"] = content["meetings"][7]["start"].replace("T14:00", "T15:30")

    report = await run_import(sessions, content)

    assert len(report.meetings.changed) == 1
    change = report.meetings.changed[0]
    assert (change.key, change.id) == ("m-07", old.id)
    assert change.changes == (
        FieldChange("start", old.start, utc_of(content["meetings"][7]["start"])),
    )
    assert not report.meetings.created and not report.meetings.cancelled
    assert not report.agendas and not report.papers.changed and not report.members.changed
    moved = await meeting(sessions, "m-07")
    assert moved.sequence == old.sequence + 1
    assert moved.updated_at > old.updated_at
    after = await snapshot(sessions)
    changed_rows = {
        (table, row) for table in ("meetings",) for row in set(after[table]) - set(before[table])
    }
    assert [row[0] for _, row in changed_rows] == [old.id]
    for table in ("organizations", "persons", "agenda_items", "papers", "consultations"):
        assert after[table] == before[table], table


async def test_cancelling_a_meeting_is_reported_as_cancelled(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    content["meetings"][3]["cancelled"] = True

    report = await run_import(sessions, content)

    assert [c.key for c in report.meetings.cancelled] == [meeting_key(3)]
    assert report.meetings.cancelled[0].changes == (FieldChange("cancelled", False, True),)
    assert not report.meetings.changed
    assert (await meeting(sessions, meeting_key(3))).sequence == 1
    assert "1 cancelled" in report.one_line()


async def test_a_new_name_does_not_raise_the_calendar_sequence(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    content["meetings"][2]["name"] = "Sondersitzung"

    report = await run_import(sessions, content)

    assert report.meetings.changed[0].fields == ["name"]
    assert (await meeting(sessions, meeting_key(2))).sequence == 0


async def test_agenda_changes_are_matched_by_number(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    async with sessions() as session:
        kept = (
            await session.execute(
                select(AgendaItem.id)
                .join(Meeting)
                .where(Meeting.key == "m-01", AgendaItem.number == "3")
            )
        ).scalar_one()
    agenda = content["meetings"][1]["agenda"]
    agenda[0]["name"] = "Bekanntgaben"
    removed = agenda.pop(1)
    agenda.append({"number": "4", "name": "Verschiedenes", "public": False})

    report = await run_import(sessions, content)

    assert len(report.agendas) == 1
    change = report.agendas[0]
    assert change.meeting_key == "m-01"
    assert change.renamed == (AgendaRename("1", "Bekanntgaben (1) & Anfragen", "Bekanntgaben"),)
    assert change.removed == (AgendaItemInfo("2", removed["name"], True, None),)
    assert change.added == (AgendaItemInfo("4", "Verschiedenes", False, None),)
    assert not report.meetings.changed
    async with sessions() as session:
        rows = await session.execute(
            select(AgendaItem.id, AgendaItem.number, AgendaItem.position)
            .join(Meeting)
            .where(Meeting.key == "m-01")
            .order_by(AgendaItem.position)
        )
        items = rows.all()
    assert [(number, position) for _, number, position in items] == [("1", 0), ("3", 1), ("4", 2)]
    assert items[1][0] == kept  # an unchanged item keeps its id


async def test_changed_consultations_replace_the_beratungsfolge(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    content["papers"][0]["consultations"][2]["role"] = "Beschlussfassung"

    report = await run_import(sessions, content)

    [change] = report.papers.changed
    assert change.key == "2026/001" and change.fields == ["consultations"]
    old, new = change.changes[0].old, change.changes[0].new
    assert isinstance(old, tuple) and isinstance(new, tuple)
    assert [c.role for c in new] == ["Vorberatung", "Vorberatung", "Beschlussfassung"]
    assert old[:2] == new[:2]
    assert new[0].date == date(2026, 1, 19)  # taken from the meeting, as none was written


async def test_a_broken_file_is_rejected_whole(sessions: Sessions) -> None:
    await run_import(sessions, sample())
    before = await snapshot(sessions)
    content = sample()
    content["meetings"][0]["start"] = "2021-02-30T14:00"  # no such day
    content["meetings"][1]["organization"] = "bauausschuss"  # unknown committee
    content["meetings"][2]["key"] = meeting_key(3)  # duplicate key
    content["meetings"][5]["agenda"][0]["paper"] = "2099/001"  # missing reference
    content["meetings"][6]["rsvp"] = "ja"  # wrong type
    content["meetings"][8]["colour"] = "red"  # unknown key
    content["papers"].append({"reference": "2026/999", "name": "ohne Art"})  # missing field
    text = dump(content)
    lines = text.splitlines()

    with pytest.raises(ImportInvalid) as raised:
        await run_import(sessions, text)

    found = {problem.place: problem for problem in raised.value.problems}
    expected = {
        "meetings[0].start": "'2021-02-30T14:00' is not a valid date",
        "meetings[1].organization": "the organization 'bauausschuss' is neither among",
        "meetings[3].key": "'m-03' is given twice (also at meetings[2])",
        "meetings[5].agenda[0].paper": "the paper '2099/001' is neither in this file",
        "meetings[6].rsvp": "'ja' is not true or false",
        "meetings[8].colour": "is not a known key",
        "papers[10].paper_type": "is required",
    }
    assert set(expected) <= set(found)
    for place, message in expected.items():
        assert message in found[place].message, place
        line = found[place].line
        assert line is not None
        field = place.rsplit(".", 1)[-1]
        assert field in lines[line - 1] or field == "paper_type", (place, lines[line - 1])
    assert await snapshot(sessions) == before


async def test_dry_run_reports_but_writes_nothing(sessions: Sessions) -> None:
    before = await snapshot(sessions)

    report = await run_import(sessions, sample(), dry_run=True)

    assert report.dry_run and len(report.meetings.created) == MEETING_COUNT
    assert await snapshot(sessions) == before
