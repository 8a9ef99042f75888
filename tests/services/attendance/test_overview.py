"""The administrators' view: overview, faction coverage, CSV, the CLI, and the reminder sources
(reminders reach exactly the members who have not answered)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import update

from bot.cli import main
from bot.errors import NotAllowed
from bot.services.attendance import meeting_moved, record_answer
from bot.services.attendance.overview import (
    Coverage,
    attendance_overview,
    csv_file_name,
    overview_csv,
)
from bot.services.attendance_reminders import remind_unanswered, summarize_for_admins
from bot.services.outbox import enqueue
from bot.views.attendance_overview import overview_blocks
from storage.models import AttendanceStatus, Meeting, Membership, Person
from tests.attendance_samples import (
    Group,
    Sessions,
    add_meeting,
    deliveries,
    make_group,
    person,
    settings,
)

SETTINGS = settings()
YES, NO, MAYBE, DEPUTY = (
    AttendanceStatus.YES,
    AttendanceStatus.NO,
    AttendanceStatus.MAYBE,
    AttendanceStatus.DEPUTY,
)


async def _answer(
    sessions: Sessions,
    group: Group,
    telegram_id: int,
    meeting_id: int,
    status: AttendanceStatus,
    deputy: str | None = None,
) -> None:
    async with sessions.begin() as session:
        await record_answer(
            session,
            person=await person(sessions, group.person(telegram_id)),
            meeting_id=meeting_id,
            sequence=0,
            status=status,
            deputy_name=deputy,
            now=datetime.now(UTC),
            settings=SETTINGS,
        )


async def _sample(sessions: Sessions) -> tuple[Group, int]:
    """SPD comes (Anna), CDU sends a deputy (Bernd), the Greens say maybe and no."""
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    await _answer(sessions, group, 2003, meeting_id, YES)
    await _answer(sessions, group, 2004, meeting_id, DEPUTY, '=HYPERLINK("x") Müller')
    await _answer(sessions, group, 2005, meeting_id, MAYBE)
    await _answer(sessions, group, 2008, meeting_id, NO)
    await _answer(sessions, group, 2009, meeting_id, NO)
    return group, meeting_id


async def test_overview_counts_names_unanswered_and_faction_coverage(sessions: Sessions) -> None:
    group, meeting_id = await _sample(sessions)
    admin = await person(sessions, group.person(2001))
    async with sessions() as session:
        overview = await attendance_overview(
            session, actor=admin, meeting_id=meeting_id, now=datetime.now(UTC), settings=SETTINGS
        )
    counts = {status: overview.count(status) for status in (YES, NO, MAYBE, DEPUTY, None)}
    assert counts == {YES: 1, NO: 2, MAYBE: 1, DEPUTY: 1, None: 7}
    coverage = {f.faction: f.coverage for f in overview.factions}
    assert coverage == {
        "CDU-Fraktion": Coverage.COVERED,
        "Grüne-Fraktion": Coverage.OPEN,  # Jürgen said maybe: not decided yet
        "SPD-Fraktion": Coverage.COVERED,
    }
    text = "\n\n".join(overview_blocks(overview, "de", SETTINGS.tz))
    assert "✅ 1 Zusage · 👥 1 Vertretung · ❔ 1 Vielleicht · ❌ 2 Absage · ⏳ 7 offen" in text
    assert "• Anna Beispiel (SPD-Fraktion)" in text
    assert '• Bernd Probe (CDU-Fraktion) – vertreten durch =HYPERLINK("x") Müller' in text
    assert "<b>⏳ Noch keine Antwort</b> (7)" in text and "• Uwe Übersicht (SPD-Fraktion)" in text
    assert "⏳ Grüne-Fraktion: offen – Jürgen Grünwald (Vielleicht)" in text
    assert "✅ SPD-Fraktion: vertreten – Anna Beispiel" in text

    # A move leaves Anna's yes unconfirmed: SPD is then covered only unconfirmed.
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        old = meeting.start
        meeting.start = old + timedelta(days=1)
        meeting.sequence += 1
        await meeting_moved(
            session,
            meeting=meeting,
            old_start=old,
            new_start=meeting.start,
            now=datetime.now(UTC),
            settings=SETTINGS,
        )
    async with sessions() as session:
        overview = await attendance_overview(
            session, actor=None, meeting_id=meeting_id, now=datetime.now(UTC), settings=SETTINGS
        )
    assert {f.faction: f.coverage for f in overview.factions}["SPD-Fraktion"] == (Coverage.OPEN)
    # Yes, maybe and deputy are asked again after a move; until confirmed they count as open.
    assert [m.person.name for m in overview.unconfirmed] == [
        "Anna Beispiel",
        "Bernd Probe",
        "Jürgen Grünwald",
    ]
    text = "\n\n".join(overview_blocks(overview, "de", SETTINGS.tz))
    assert "✅ 0 Zusage · 👥 0 Vertretung · ❔ 0 Vielleicht · ❌ 2 Absage · ⏳ 10 offen" in text


async def test_members_may_not_see_the_overview(sessions: Sessions) -> None:
    group, meeting_id = await _sample(sessions)
    member = await person(sessions, group.person(2003))
    async with sessions() as session:
        with pytest.raises(NotAllowed):
            await attendance_overview(
                session,
                actor=member,
                meeting_id=meeting_id,
                now=datetime.now(UTC),
                settings=SETTINGS,
            )


async def test_csv_opens_in_excel_with_umlauts_and_no_formulas(sessions: Sessions) -> None:
    _, meeting_id = await _sample(sessions)
    async with sessions() as session:
        overview = await attendance_overview(
            session, actor=None, meeting_id=meeting_id, now=datetime.now(UTC), settings=SETTINGS
        )
    data = overview_csv(overview, "de", SETTINGS.tz)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Name",
        "Fraktion",
        "Verwaltung",
        "Funktion",
        "Antwort",
        "Vertretung",
        "Beantwortet am",
        "Fraktion vertreten",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == 12
    assert by_name["Anna Beispiel"][1:5] == ["SPD-Fraktion", "", "Sprecherin", "Zusage"]
    assert by_name["Anna Beispiel"][7] == "vertreten"
    assert by_name["Jürgen Grünwald"][7] == "offen"
    assert by_name["Bernd Probe"][4:6] == ["Vertretung", '\'=HYPERLINK("x") Müller']
    assert by_name["Uwe Übersicht"][4:7] == ["keine Antwort", "", ""]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", by_name["Anna Beispiel"][6])
    assert csv_file_name(overview.meeting) == "teilnahme-praes-nord.csv"


async def _cli(database_url: str, *args: str) -> Result:
    runner = CliRunner()
    env = {"GREMIENBOT_DATABASE_URL": database_url, "GREMIENBOT_TIMEZONE": "Europe/Berlin"}
    return await asyncio.to_thread(runner.invoke, main, ["attendance", *args], env=env)


async def test_cli_prints_the_overview_and_the_csv(database_url: str, sessions: Sessions) -> None:
    await _sample(sessions)
    result = await _cli(database_url, "praes-nord")
    assert result.exit_code == 0, result.output
    assert "Teilnahme: Lenkungsgruppe Sozialstrategie: Präsentation" in result.output
    assert "⏳ Grüne-Fraktion: offen – Jürgen Grünwald (Vielleicht)" in result.output
    as_csv = await _cli(database_url, "praes-nord", "--csv")
    assert as_csv.exit_code == 0
    assert as_csv.stdout_bytes.startswith(b"\xef\xbb\xbfName;Fraktion;")
    unknown = await _cli(database_url, "gibt-es-nicht")
    assert unknown.exit_code == 2
    assert unknown.output.strip() == (
        "Error: Einen Termin mit dem Schlüssel „gibt-es-nicht“ gibt es nicht."
    )


async def test_reminders_reach_exactly_the_members_who_have_not_answered(
    sessions: Sessions,
) -> None:
    group, meeting_id = await _sample(sessions)
    async with sessions.begin() as session:
        # Olga turned reminders off; Peter left the group; Karl answered (no) already.
        await session.execute(
            update(Person).where(Person.id == group.person(2010)).values(notify_reminders=False)
        )
        await session.execute(
            update(Membership)
            .where(Membership.person_id == group.person(2011))
            .values(end_date=date(2022, 1, 1))
        )
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        start = meeting.start
    reminded = {2001, 2002, 2006, 2007, 2012}  # no answer, still members, reminders on

    async def remind(now: datetime) -> int:
        async with sessions.begin() as session:
            return await remind_unanswered(session, now=now, settings=SETTINGS)

    assert await remind(start - timedelta(days=4)) == 0  # too early
    assert await remind(start - timedelta(days=2, hours=23)) == len(reminded)
    assert await remind(start - timedelta(days=1)) == 0  # once per meeting version
    assert await remind(start + timedelta(minutes=1)) == 0
    rows = await deliveries(sessions, "rsvp-remind:")
    assert {row.chat_id for row in rows} == reminded
    assert "Erinnerung: Ihre Rückmeldung fehlt noch" in rows[0].payload["text"]
    assert rows[0].payload["combinable"] is False and len(rows[0].payload["buttons"]) == 2


async def test_no_reminder_right_after_a_recent_request(sessions: Sessions) -> None:
    group = await make_group(sessions)
    start = datetime.now(UTC) + timedelta(days=2)
    meeting_id = await add_meeting(sessions, group, start=start)
    async with sessions.begin() as session:
        # Anna was asked just now (inside the three days): the request is reminder enough.
        await enqueue(
            session,
            event_key=f"rsvp:{meeting_id}:0",
            chat_id=2003,
            kind="attendance.request",
            text="request",
            person_id=group.person(2003),
            combinable=False,
        )
        written = await remind_unanswered(session, now=datetime.now(UTC), settings=SETTINGS)
    assert written == 11
    assert 2003 not in {row.chat_id for row in await deliveries(sessions, "rsvp-remind:")}


async def test_admins_get_a_summary_the_day_before(sessions: Sessions) -> None:
    _, meeting_id = await _sample(sessions)
    async with sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        start = meeting.start

    async def summarize(now: datetime) -> int:
        async with sessions.begin() as session:
            return await summarize_for_admins(session, now=now, settings=SETTINGS)

    assert await summarize(start - timedelta(days=2)) == 0
    assert await summarize(start - timedelta(hours=20)) == 2
    assert await summarize(start - timedelta(hours=10)) == 0
    rows = await deliveries(sessions, "rsvp-summary:")
    assert {row.chat_id for row in rows} == {2001, 2002}
    text = rows[0].payload["text"]
    assert text.startswith("📋 <b>Morgen: Lenkungsgruppe Sozialstrategie: Präsentation")
    assert "⏳ Noch offen: Grüne-Fraktion" in text
    assert rows[0].payload["buttons"][0][0]["callback_data"] == f"tln:open:{meeting_id}"
