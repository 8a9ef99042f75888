"""Who is asked and told: requests for new rsvp meetings (import, chat, "Anfrage senden"),
re-confirmation after a move, notes after a cancellation — each written once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from bot.errors import NotAllowed, UserError
from bot.feeds import feed_routes
from bot.runtime import Runtime
from bot.services.attendance import attendance_notifier, record_answer, send_requests
from bot.services.council_admin import cancel_meeting, move_meeting
from bot.services.importer import import_yaml
from storage.models import AttendanceStatus, GroupChat, Meeting, Person
from tests.attendance_samples import (
    MEMBERS,
    Sessions,
    add_meeting,
    answers,
    deliveries,
    make_group,
    person,
    settings,
)

EXAMPLE = Path(__file__).parents[3] / "examples" / "lenkungsgruppe.yaml"
BERLIN = ZoneInfo("Europe/Berlin")
SETTINGS = settings()
ADMINS = {2001, 2002}


async def _answer(
    sessions: Sessions, person_id: int, meeting_id: int, status: AttendanceStatus
) -> None:
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        await record_answer(
            session,
            person=await person(sessions, person_id),
            meeting_id=meeting_id,
            sequence=meeting.sequence,
            status=status,
            deputy_name="Maria Muster" if status == AttendanceStatus.DEPUTY else None,
            now=datetime.now(UTC),
            settings=SETTINGS,
        )


async def _import(sessions: Sessions, text: str, now: datetime) -> int:
    report = await import_yaml(
        sessions,
        text=text,
        source=EXAMPLE.name,
        tz=BERLIN,
        group_key="lenkungsgruppe",
        now=now,
        notifier=attendance_notifier(SETTINGS, clock=lambda: now),
    )
    return report.notified


async def test_import_asks_every_linked_member_once_per_rsvp_meeting(sessions: Sessions) -> None:
    now = datetime.now(UTC)  # the example's meetings of 2027 lie ahead
    text = EXAMPLE.read_text(encoding="utf-8")
    assert await _import(sessions, text, now) == 15  # 3 rsvp meetings × 5 linked members
    rows = await deliveries(sessions, "rsvp:")
    async with sessions() as session:
        keys = {
            m.id: m.key
            for m in (await session.execute(select(Meeting).where(Meeting.rsvp))).scalars()
        }
    assert {(keys[int(r.event_key.split(":")[1])], r.chat_id) for r in rows} == {
        (key, chat)
        for key in ("praes-2027-03-04-nord", "praes-2027-03-04-sued", "termin-2027-03-11")
        for chat in (1001, 1002, 1003, 1004, 1005)
    }
    request = rows[0]
    assert request.kind == "attendance.request" and request.payload["combinable"] is False
    assert "Bitte um Rückmeldung" in request.payload["text"]
    labels = [b["text"] for row in request.payload["buttons"] for b in row]
    assert labels == ["✅ Zusage", "❌ Absage", "❔ Vielleicht", "👥 Vertretung"]
    data = [b["callback_data"] for row in request.payload["buttons"] for b in row]
    meeting_id = request.event_key.split(":")[1]
    assert data == [f"att:{meeting_id}:0:{code}" for code in "ynmd"]

    assert await _import(sessions, text, now) == 0  # the same file again: nobody is asked


async def test_an_imported_move_asks_yes_and_maybe_again_and_tells_the_admins(
    sessions: Sessions,
) -> None:
    now = datetime.now(UTC)  # the example's meetings of 2027 lie ahead
    text = EXAMPLE.read_text(encoding="utf-8")
    await _import(sessions, text, now)
    async with sessions() as session:
        nord = (
            await session.execute(select(Meeting).where(Meeting.key == "praes-2027-03-04-nord"))
        ).scalar_one()
        linked = await session.execute(select(Person).where(Person.telegram_user_id.is_not(None)))
        ids = {p.telegram_user_id: p.id for p in linked.scalars()}
    await _answer(sessions, ids[1003], nord.id, AttendanceStatus.YES)
    await _answer(sessions, ids[1004], nord.id, AttendanceStatus.MAYBE)
    await _answer(sessions, ids[1005], nord.id, AttendanceStatus.NO)
    await _answer(sessions, ids[1002], nord.id, AttendanceStatus.DEPUTY)

    moved = text.replace("start: 2027-03-04T10:00", "start: 2027-03-05T10:00").replace(
        "end: 2027-03-04T11:30", "end: 2027-03-05T11:30"
    )
    notified = await _import(sessions, moved, now)
    # One message per member: the change (old → new) and, where needed, the question again.
    changes = await deliveries(sessions, f"rsvp-change:{nord.id}:1:")
    assert sorted(r.chat_id for r in changes) == [1001, 1002, 1003, 1004, 1005]
    assert all(r.kind == "attendance.change" and not r.payload["combinable"] for r in changes)
    text_of_anna = next(r.payload["text"] for r in changes if r.chat_id == 1003)
    assert text_of_anna.startswith("✏️ <b>Termin geändert</b>")
    assert (
        "<s>Donnerstag, 4. März 2027, 10:00 Uhr</s> → <b>Freitag, 5. März 2027, 10:00 Uhr</b>"
        in (text_of_anna)
    )
    assert "Ihre Antwort: <b>✅ Zusage</b> – <i>bitte bestätigen</i>" in text_of_anna
    anna_buttons = next(r.payload["buttons"] for r in changes if r.chat_id == 1003)
    assert [b["callback_data"] for b in anna_buttons[0]] == [
        f"att:{nord.id}:1:y",
        f"att:{nord.id}:1:n",
    ]
    text_of_juergen = next(r.payload["text"] for r in changes if r.chat_id == 1005)
    assert "Nehmen Sie teil?" not in text_of_juergen  # a "no" is not asked again
    admin_note = next(r.payload for r in changes if r.chat_id == 1001)
    assert "3 Mitglieder mit Zusage, Vielleicht oder Vertretung wurden" in admin_note["text"]
    assert admin_note["buttons"][-1] == [
        {"text": "📋 Teilnahme ansehen", "callback_data": f"tln:open:{nord.id}"}
    ]
    assert await deliveries(sessions, f"rsvp:{nord.id}:1") == []  # no second message
    assert notified == 5
    marked = {row.person_id: row.needs_confirmation for row in await answers(sessions, nord.id)}
    # The deputy is asked again too (issue 12): until confirmed, it counts as open.
    assert marked == {ids[1003]: True, ids[1004]: True, ids[1005]: False, ids[1002]: True}

    await _answer(sessions, ids[1003], nord.id, AttendanceStatus.YES)  # Anna confirms
    marked = {row.person_id: row.needs_confirmation for row in await answers(sessions, nord.id)}
    assert marked[ids[1003]] is False and marked[ids[1004]] is True


async def test_a_move_in_the_chat_and_a_cancellation_tell_the_right_people(
    sessions: Sessions,
) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    statuses = [AttendanceStatus.YES, AttendanceStatus.NO, AttendanceStatus.MAYBE]
    answered = {}
    for (_, telegram_id, _, _), status in zip(MEMBERS[2:8], statuses * 2, strict=True):
        answered[telegram_id] = status
        await _answer(sessions, group.person(telegram_id), meeting_id, status)
    now = datetime.now(UTC)
    new_start = now + timedelta(days=21)
    async with sessions.begin() as session:
        await move_meeting(
            session,
            actor=None,
            meeting_id=meeting_id,
            start=new_start,
            end=None,
            now=now,
            tz=BERLIN,
            notifier=attendance_notifier(SETTINGS),
        )
    moved = await deliveries(sessions, f"rsvp-change:{meeting_id}:1:")
    asked = sorted(r.chat_id for r in moved if "Nehmen Sie teil?" in r.payload["text"])
    # Yes and maybe asked again, and everyone who has not answered yet.
    assert asked == sorted(t for _, t, _, _ in MEMBERS if answered.get(t) != AttendanceStatus.NO)
    assert sorted(r.chat_id for r in moved) == sorted(t for _, t, _, _ in MEMBERS)

    async with sessions.begin() as session:
        await cancel_meeting(
            session,
            actor=None,
            meeting_id=meeting_id,
            now=now,
            tz=BERLIN,
            notifier=attendance_notifier(SETTINGS),
        )
    notes = await deliveries(sessions, f"rsvp-change:{meeting_id}:2:")
    assert sorted(n.chat_id for n in notes) == sorted(t for _, t, _, _ in MEMBERS)
    anna_note = next(n for n in notes if n.chat_id == 2003)
    assert "Termin abgesagt" in anna_note.payload["text"]
    assert "Ihre Antwort (✅ Zusage) ist damit hinfällig" in anna_note.payload["text"]
    no_note = next(n for n in notes if n.chat_id == 2004)
    assert "(❌ Absage)" in no_note.payload["text"]


async def test_send_requests_asks_only_who_has_neither_answered_nor_been_asked(
    sessions: Sessions,
) -> None:
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    await _answer(sessions, group.person(2003), meeting_id, AttendanceStatus.YES)
    now = datetime.now(UTC)
    admin = await person(sessions, group.person(2001))
    member = await person(sessions, group.person(2004))
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        with pytest.raises(NotAllowed):
            await send_requests(session, meeting=meeting, now=now, settings=SETTINGS, actor=member)
        first = await send_requests(
            session, meeting=meeting, now=now, settings=SETTINGS, actor=admin
        )
        again = await send_requests(
            session, meeting=meeting, now=now, settings=SETTINGS, actor=admin
        )
    assert (first, again) == (11, 0)
    chats = {r.chat_id for r in await deliveries(sessions, f"rsvp:{meeting_id}:0")}
    assert chats == {t for _, t, _, _ in MEMBERS} - {2003}
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        with pytest.raises(UserError) as closed:
            await send_requests(
                session, meeting=meeting, now=meeting.start, settings=SETTINGS, actor=admin
            )
    assert closed.value.key == "attendance.closed"


async def test_presentations_stay_out_of_the_public_calendar_and_groups(
    database_url: str, engine: AsyncEngine, sessions: Sessions
) -> None:
    async with sessions.begin() as session:
        session.add(GroupChat(chat_id=-100555, title="Fraktionsrunde mit Gästen"))
    await _import(sessions, EXAMPLE.read_text(encoding="utf-8"), datetime.now(UTC))
    async with sessions() as session:
        presentations = list(
            (await session.execute(select(Meeting).where(Meeting.kind == "presentation"))).scalars()
        )
    assert presentations and not any(m.public for m in presentations)  # non-public by default
    assert not [r for r in await deliveries(sessions, "rsvp") if r.chat_id < 0]

    runtime = Runtime(
        settings=settings(database_url=database_url), engine=engine, sessions=sessions
    )
    app = Starlette(routes=feed_routes(runtime, lambda: "gremienbot"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://feeds.test") as client:
        feed = (await client.get("/calendar/public.ics")).text
    assert "Sitzung des Kreistags" in feed
    assert "Sozialplanung Nord" not in feed and "Institut Süd" not in feed


async def test_a_member_linked_by_an_import_gets_the_open_requests_at_once(
    sessions: Sessions,
) -> None:
    now = datetime.now(UTC)  # the example's meetings of 2027 lie ahead
    text = EXAMPLE.read_text(encoding="utf-8")
    await _import(sessions, text, now)
    linked = text.replace(
        "{name: Fiona Freitag, faction: fw, function: Sprecherin}",
        "{name: Fiona Freitag, faction: fw, function: Sprecherin, telegram_id: 1006}",
    )
    assert await _import(sessions, linked, now) == 3  # the three open rsvp meetings
    asked = [row for row in await deliveries(sessions, "rsvp:") if row.chat_id == 1006]
    assert len(asked) == 3 and all(row.kind == "attendance.request" for row in asked)
    assert await _import(sessions, linked, now) == 0  # nobody is asked twice
