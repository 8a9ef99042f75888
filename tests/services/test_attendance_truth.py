"""Attendance figures that tell the truth: per faction vertreten / offen / nicht vertreten /
kein Mitglied, and the administration listed on its own (issue 13, point 2)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy import update

from bot.services.attendance import record_answer
from bot.services.attendance.overview import Coverage, attendance_overview, overview_csv
from bot.views.attendance_overview import overview_blocks, summary_text
from storage.models import AttendanceStatus, Membership, Organization, OrganizationKind, Person
from tests.attendance_samples import Group, Sessions, add_meeting, make_group, person, settings

SETTINGS = settings()


async def _answer(
    sessions: Sessions, group: Group, telegram_id: int, meeting_id: int, status: AttendanceStatus
) -> None:
    async with sessions.begin() as session:
        await record_answer(
            session,
            person=await person(sessions, group.person(telegram_id)),
            meeting_id=meeting_id,
            sequence=0,
            status=status,
            deputy_name=None,
            now=datetime.now(UTC),
            settings=SETTINGS,
        )


async def _leave(sessions: Sessions, group: Group, telegram_id: int) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(Membership)
            .where(Membership.person_id == group.person(telegram_id))
            .values(end_date=date(2022, 1, 1))
        )


async def _overview_text(sessions: Sessions, meeting_id: int) -> tuple[dict[str, Coverage], str]:
    async with sessions() as session:
        overview = await attendance_overview(
            session, actor=None, meeting_id=meeting_id, now=datetime.now(UTC), settings=SETTINGS
        )
    coverage = {f.faction: f.coverage for f in overview.factions}
    return coverage, "\n\n".join(overview_blocks(overview, "de", SETTINGS.tz))


async def test_the_only_speaker_saying_maybe_leaves_the_faction_open(sessions: Sessions) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    # SPD has one speaker left, who says maybe: the faction is open, not "nicht vertreten".
    for telegram_id in (2006, 2012):
        await _leave(sessions, group, telegram_id)
    await _answer(sessions, group, 2003, meeting_id, AttendanceStatus.MAYBE)
    coverage, text = await _overview_text(sessions, meeting_id)
    assert coverage["SPD-Fraktion"] is Coverage.OPEN
    assert "⏳ SPD-Fraktion: offen – Anna Beispiel (Vielleicht)" in text
    assert "SPD-Fraktion: <b>nicht vertreten</b>" not in text

    # When she declines, the faction is not represented.
    await _answer(sessions, group, 2003, meeting_id, AttendanceStatus.NO)
    coverage, text = await _overview_text(sessions, meeting_id)
    assert coverage["SPD-Fraktion"] is Coverage.MISSING
    assert "⚠️ SPD-Fraktion: <b>nicht vertreten</b> (alle abgesagt)" in text

    # After she left too, SPD stays in the list: "kein Mitglied".
    await _leave(sessions, group, 2003)
    coverage, text = await _overview_text(sessions, meeting_id)
    assert coverage["SPD-Fraktion"] is Coverage.NO_MEMBER
    assert "▫️ SPD-Fraktion: kein Mitglied" in text


async def test_the_administration_never_counts_for_a_faction(sessions: Sessions) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    async with sessions.begin() as session:
        department = Organization(
            key="dezernat-soziales",
            name="Dezernat für Soziales und Gesundheit",
            kind=OrganizationKind.DEPARTMENT,
        )
        session.add(department)
        await session.flush()
        await session.execute(
            update(Person)
            .where(Person.id.in_([group.person(2001), group.person(2002)]))
            .values(department_id=department.id)
        )
    await _answer(sessions, group, 2001, meeting_id, AttendanceStatus.YES)
    await _answer(sessions, group, 2002, meeting_id, AttendanceStatus.YES)
    coverage, text = await _overview_text(sessions, meeting_id)
    # Nobody of a faction has answered: every faction is open, whoever of the administration comes.
    assert set(coverage.values()) == {Coverage.OPEN}
    assert "<b>Verwaltung</b> (2, zählt für keine Fraktion)" in text
    assert "• Dr. Martin Muster (Dezernat für Soziales und Gesundheit): ✅ Zusage" in text
    # Karl and Olga have neither a faction nor a department.
    assert "<b>Weitere</b> (2, ohne Fraktion)" in text

    async with sessions() as session:
        overview = await attendance_overview(
            session, actor=None, meeting_id=meeting_id, now=datetime.now(UTC), settings=SETTINGS
        )
    summary = summary_text(overview, "de", SETTINGS.tz)
    assert "⏳ Noch offen: CDU-Fraktion, Grüne-Fraktion, SPD-Fraktion" in summary
    rows = list(
        csv.reader(
            io.StringIO(overview_csv(overview, "de", SETTINGS.tz).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Dr. Martin Muster"][1:3] == ["", "Dezernat für Soziales und Gesundheit"]
    assert by_name["Dr. Martin Muster"][7] == ""


async def test_csv_lists_a_faction_without_members(sessions: Sessions) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    async with sessions.begin() as session:
        session.add(Organization(key="fdp", name="FDP-Fraktion", kind=OrganizationKind.FACTION))
    async with sessions() as session:
        overview = await attendance_overview(
            session, actor=None, meeting_id=meeting_id, now=datetime.now(UTC), settings=SETTINGS
        )
    rows = list(
        csv.reader(
            io.StringIO(overview_csv(overview, "de", SETTINGS.tz).decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert ["", "FDP-Fraktion", "", "", "", "", "", "kein Mitglied"] in rows
