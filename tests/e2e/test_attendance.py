"""Attendance end to end: members answer on their phones, administrators see who comes.

The real bot and delivery worker against the local Bot API server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from bot.localapi import ChatMessage, LocalBotApi, UserDriver
from bot.services.attendance import ask_open_meetings, attendance_notifier, send_requests
from bot.services.attendance_reminders import remind_unanswered
from bot.services.council_admin import cancel_meeting, move_meeting
from storage.models import AttendanceStatus, Meeting
from tests.attendance_samples import (
    MEMBERS,
    Group,
    Sessions,
    add_meeting,
    answers,
    deliveries,
    make_group,
    settings,
)
from tests.e2e.conftest import StartBot

SETTINGS = settings()
BERLIN = ZoneInfo("Europe/Berlin")
ANNA, BERND, JUERGEN, SABINE, ADMIN = 2003, 2004, 2005, 2006, 2001


def is_request(message: ChatMessage) -> bool:
    return "Bitte um Rückmeldung" in (message.text or "")


async def _asked(sessions: Sessions, meeting_id: int) -> None:
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        await send_requests(session, meeting=meeting, now=datetime.now(UTC), settings=SETTINGS)


async def _setup(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> tuple[Group, int, dict[int, UserDriver]]:
    """The group, one presentation everybody was asked about, and each member's request."""
    group = await make_group(sessions)
    meeting_id = await add_meeting(sessions, group)
    await _asked(sessions, meeting_id)
    await start_bot()
    users = {tid: api.user(tid, name.split()[-1]) for name, tid, _, _ in MEMBERS}
    for user in users.values():
        await user.wait_for(is_request)
    return group, meeting_id, users


def request_of(user: UserDriver) -> ChatMessage:
    return next(message for message in user.messages if is_request(message))


async def test_a_dozen_members_answer_at_once_and_the_admin_sees_overview_and_csv(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    group, meeting_id, users = await _setup(api, start_bot, sessions)
    # Double taps, changed minds, and people who answer once; pressed without waiting.
    plan = {
        2001: ["Zusage"],
        2002: ["Absage", "Absage"],
        2003: ["Zusage", "Zusage"],
        2004: ["Vielleicht", "Zusage"],
        2005: ["Absage", "Vielleicht", "Absage"],
        2006: ["Zusage", "Absage", "Zusage"],
        2007: ["Vielleicht"],
        2008: ["Zusage", "Zusage", "Zusage"],
        2009: ["Absage", "Zusage"],
        2010: ["Vielleicht", "Vielleicht"],
        2011: ["Zusage", "Absage"],
        2012: ["Absage"],
    }
    for round_ in range(3):
        for telegram_id, labels in plan.items():
            if round_ < len(labels):
                await users[telegram_id].press(labels[round_], wait=False)
    await api.settle()

    status_of = {"Zusage": "yes", "Absage": "no", "Vielleicht": "maybe"}
    rows = await answers(sessions, meeting_id)
    assert sorted(row.person_id for row in rows) == sorted(group.persons.values())
    final = {group.person(tid): status_of[labels[-1]] for tid, labels in plan.items()}
    assert {row.person_id: row.status.value for row in rows} == final

    shown = {"Zusage": "✅ Zusage", "Absage": "❌ Absage", "Vielleicht": "❔ Vielleicht"}
    for telegram_id, labels in plan.items():
        request = request_of(users[telegram_id])  # the one request, updated in place
        assert f"Ihre Antwort: {shown[labels[-1]]}" in (request.text or "")
        assert f"{shown[labels[-1]]} ✓" in [b.text for row in request.buttons for b in row]
        assert users[telegram_id].callback_answers[-1].text == f"Gespeichert: {shown[labels[-1]]}"

    admin = users[ADMIN]
    replies = await admin.send("/teilnahme")
    assert replies[0].text == "Teilnahme – für welchen Termin?"
    replies = await admin.press("Sozialplanung Nord")
    overview = replies[-1].text or ""
    assert "Teilnahme: Lenkungsgruppe Sozialstrategie: Präsentation: Sozialplanung Nord GmbH" in (
        overview
    )
    assert "✅ 6 Zusage · 👥 0 Vertretung · ❔ 2 Vielleicht · ❌ 4 Absage · ⏳ 0 offen" in overview
    assert (
        "✅ Zusage (6)\n• Anna Beispiel (SPD-Fraktion)\n• Bernd Probe (CDU-Fraktion)\n"
        "• Dr. Martin Muster\n• Gerda Grün (Grüne-Fraktion)\n• Karl Kasse\n"
        "• Sabine Sozial (SPD-Fraktion)\n\n❔ Vielleicht (2)"
    ) in overview
    assert "✅ CDU-Fraktion: vertreten – Bernd Probe" in overview
    assert "✅ Grüne-Fraktion: vertreten – Gerda Grün" in overview
    assert "✅ SPD-Fraktion: vertreten – Anna Beispiel, Sabine Sozial" in overview

    replies = await admin.press("CSV")
    document = replies[-1].document
    assert document is not None and document.filename == "teilnahme-praes-nord.csv"
    table = list(csv.reader(io.StringIO(document.data.decode("utf-8-sig")), delimiter=";"))
    assert table[0][:2] == ["Name", "Fraktion"] and table[0][-1] == "Fraktion vertreten"
    answers_by_name = {row[0]: row[4] for row in table[1:]}
    assert answers_by_name["Jürgen Grünwald"] == "Absage"
    assert answers_by_name["Uwe Übersicht"] == "Absage"
    assert sorted(answers_by_name.values()).count("Zusage") == 6


async def test_deputy_is_asked_for_by_name(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    _, meeting_id, users = await _setup(api, start_bot, sessions)
    anna = users[ANNA]
    replies = await anna.press("Vertretung")
    assert anna.callback_answers[-1].text == "Bitte schreiben Sie den Namen der Vertretung."
    assert replies[-1].text is not None and replies[-1].text.startswith("👥 Wer vertritt Sie bei")
    replies = await anna.send("x")
    assert replies[0].text is not None and replies[0].text.startswith("Das sieht nicht nach")
    assert await answers(sessions, meeting_id) == []
    replies = await anna.send("Maria   Muster")
    assert replies[0].text is not None
    assert replies[0].text.startswith("Eingetragen: 👥 Vertretung durch Maria Muster")
    assert "Ihre Antwort: 👥 Vertretung durch Maria Muster" in (request_of(anna).text or "")
    [row] = await answers(sessions, meeting_id)
    assert (row.status, row.deputy_name) == (AttendanceStatus.DEPUTY, "Maria Muster")

    # Asked again, the member changes their mind: /abbrechen keeps the answer.
    await anna.press("Vertretung")
    replies = await anna.send("/abbrechen")
    assert replies[0].text == "Abgebrochen. Ihre Antwort bleibt: 👥 Vertretung durch Maria Muster"
    replies = await anna.send("Hallo")  # no longer read as a name
    [row] = await answers(sessions, meeting_id)
    assert row.deputy_name == "Maria Muster"
    # Pressing another answer while the name is asked for ends the question too.
    await anna.press("Vertretung")
    await anna.press("Absage")
    await anna.send("Otto Ohne")
    [row] = await answers(sessions, meeting_id)
    assert (row.status, row.deputy_name) == (AttendanceStatus.NO, None)


async def test_forged_replayed_past_and_strangers_buttons_change_nothing(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    group, meeting_id, users = await _setup(api, start_bot, sessions)
    other_id = await add_meeting(sessions, group, key="praes-sued", name="Präsentation: Süd")
    anna, bernd = users[ANNA], users[BERND]
    request = request_of(anna)
    own = f"att:{meeting_id}:0:y"

    await anna.press_data(request.message_id, f"att:{other_id}:0:y")  # another meeting
    assert anna.callback_answers[-1].text == (
        "Diese Schaltfläche passt nicht zu dieser Nachricht; es wurde nichts geändert."
    )
    await anna.press_data(request.message_id, "att:1:0:q")  # malformed
    assert anna.callback_answers[-1].text == "Diese Schaltfläche ist nicht mehr gültig."
    await bernd.press_data(9999, own)  # Anna's button replayed by Bernd, without her message
    assert bernd.callback_answers[-1].text == (
        "Diese Schaltfläche passt nicht zu dieser Nachricht; es wurde nichts geändert."
    )
    stranger = api.user(4711, "Eva")
    await stranger.press_data(request.message_id, own)
    assert stranger.callback_answers[-1].text == (
        "Dieser Bot ist nur für die Mitglieder der Lenkungsgruppe Sozialstrategie; "
        "es wurde nichts geändert."
    )
    chat = api.group(-100123, "Fraktionsrunde")
    chat.add_user(anna)
    await chat.press_data(anna, 1, own)
    assert (chat.callback_answers[-1].text or "").startswith("Ihre Teilnahme geben Sie bitte")
    assert await answers(sessions, meeting_id) == [] and await answers(sessions, other_id) == []

    # The meeting has started: closed, and the message says so.
    async with sessions.begin() as session:
        await session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(start=datetime.now(UTC) - timedelta(minutes=1))
        )
    await anna.press("Zusage")
    assert anna.callback_answers[-1].text == (
        "Die Anmeldung ist geschlossen: der Termin hat bereits begonnen. Es wurde nichts geändert."
    )
    closed = request_of(anna)
    assert "Die Anmeldung ist geschlossen" in (closed.text or "")
    assert [[b.text for b in row] for row in closed.buttons] == [["🔒 Anmeldung geschlossen"]]
    await anna.press("Anmeldung geschlossen")
    assert (anna.callback_answers[-1].text or "").startswith("Die Anmeldung ist geschlossen")
    assert await answers(sessions, meeting_id) == []


async def test_outdated_and_cancelled_buttons_are_refused_and_redrawn(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    _, meeting_id, users = await _setup(api, start_bot, sessions)
    anna = users[ANNA]
    async with sessions.begin() as session:  # changed behind the member's back: new version
        await session.execute(
            update(Meeting).where(Meeting.id == meeting_id).values(sequence=1, location="Raum 9")
        )
    await anna.press("Zusage")
    assert (anna.callback_answers[-1].text or "").startswith("Der Termin hat sich geändert.")
    redrawn = request_of(anna)
    assert "📍 Raum 9" in (redrawn.text or "")
    assert redrawn.buttons[0][0].data == f"att:{meeting_id}:1:y"
    assert await answers(sessions, meeting_id) == []
    await anna.press("Zusage")
    assert anna.callback_answers[-1].text == "Gespeichert: ✅ Zusage"

    async with sessions.begin() as session:
        await session.execute(
            update(Meeting).where(Meeting.id == meeting_id).values(cancelled=True)
        )
    await users[BERND].press("Vielleicht")
    assert users[BERND].callback_answers[-1].text == (
        "Dieser Termin wurde abgesagt; es wurde nichts geändert."
    )
    cancelled = request_of(users[BERND])
    assert "Abgesagt:" in (cancelled.text or "") and cancelled.buttons == []
    assert [row.status for row in await answers(sessions, meeting_id)] == [AttendanceStatus.YES]


async def test_moving_and_cancelling_notify_the_right_members(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    _, meeting_id, users = await _setup(api, start_bot, sessions)
    await users[ANNA].press("Zusage")
    await users[BERND].press("Vielleicht")
    await users[JUERGEN].press("Absage")
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        await move_meeting(
            session,
            actor=None,
            meeting_id=meeting_id,
            start=now + timedelta(days=30),
            end=None,
            now=now,
            tz=BERLIN,
            notifier=attendance_notifier(SETTINGS),
        )

    def changed(message: ChatMessage) -> bool:
        return (message.text or "").startswith("✏️ Termin geändert")

    # One message per member and change: the notice with old → new, and the question again.
    for telegram_id in (ANNA, BERND, JUERGEN, SABINE, ADMIN):
        await users[telegram_id].wait_for(changed)
    for telegram_id in (ANNA, BERND, JUERGEN, SABINE):
        news = [m for m in users[telegram_id].messages if not is_request(m)]
        assert len(news) == 1, users[telegram_id].describe()
    [anna_notice] = [m for m in users[ANNA].messages if changed(m)]
    assert "🕑 Beginn: " in (anna_notice.text or "") and " → " in (anna_notice.text or "")
    assert "Ihre Antwort: ✅ Zusage – bitte bestätigen" in (anna_notice.text or "")
    assert anna_notice.find_button("✅ Zusage") is not None
    [juergen_notice] = [m for m in users[JUERGEN].messages if changed(m)]
    assert "Nehmen Sie teil?" not in (juergen_notice.text or "")  # "no" stays as it was
    assert [len(row) for row in juergen_notice.buttons] == [1]  # only the meeting button
    # The earlier request was edited to the new time.
    async with sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        new_when = meeting.start
    [old_request] = [m for m in users[ANNA].messages if is_request(m)]
    await users[ANNA].wait_for(lambda m: m is old_request and m.edited)
    assert "bitte bestätigen" in (old_request.text or "")
    note = await users[ADMIN].wait_for(changed)
    assert "2 Mitglieder mit Zusage, Vielleicht oder Vertretung wurden" in (note.text or "")
    await users[ANNA].press("Zusage")  # on the new message: confirmed
    replies = await users[ADMIN].press("Teilnahme ansehen")
    overview = replies[-1].text or ""
    assert "• Bernd Probe (CDU-Fraktion) ⏳ unbestätigt" in overview
    assert "• Anna Beispiel (SPD-Fraktion)\n" in overview
    assert new_when is not None

    async with sessions.begin() as session:
        await cancel_meeting(
            session,
            actor=None,
            meeting_id=meeting_id,
            now=now,
            tz=BERLIN,
            notifier=attendance_notifier(SETTINGS),
        )
    for telegram_id in (ANNA, BERND, JUERGEN):
        await users[telegram_id].wait_for(lambda m: "ist damit hinfällig" in (m.text or ""))
    told = {row.chat_id for row in await deliveries(sessions, f"rsvp-change:{meeting_id}:2:")}
    assert {ANNA, BERND, JUERGEN} <= told
    # The old request now says "abgesagt" and has no buttons any more.
    await users[ANNA].wait_for(
        lambda m: m is old_request and "Abgesagt" in (m.text or "") and not m.buttons
    )


async def test_reminders_reach_exactly_those_who_have_not_answered(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    _, meeting_id, users = await _setup(api, start_bot, sessions)
    answered = {ANNA, BERND, JUERGEN, SABINE}
    for telegram_id in answered:
        await users[telegram_id].press("Absage")
    async with sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        start = meeting.start
    async with sessions.begin() as session:
        written = await remind_unanswered(session, now=start - timedelta(days=2), settings=SETTINGS)
    silent = set(users) - answered
    assert written == len(silent)

    def reminder(message: ChatMessage) -> bool:
        return "Erinnerung: Ihre Rückmeldung fehlt noch" in (message.text or "")

    received = {}
    for telegram_id in silent:
        received[telegram_id] = await users[telegram_id].wait_for(reminder)
        assert [b.text for b in received[telegram_id].buttons[0]] == ["✅ Zusage", "❌ Absage"]
    rows = await deliveries(sessions, "rsvp-remind:")
    assert {row.chat_id for row in rows} == silent  # nothing else is on its way
    assert not any(reminder(m) for tid in answered for m in users[tid].messages)
    # The reminder works like the request: answering on it updates it in place.
    await users[ADMIN].press("Zusage")
    assert "Ihre Antwort: ✅ Zusage" in (received[ADMIN].text or "")


async def test_termine_shows_ones_own_answer_and_members_cannot_see_the_overview(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    group, meeting_id, users = await _setup(api, start_bot, sessions)
    await add_meeting(
        sessions,
        group,
        key="termin",
        name="Bietergespräch",
        start=datetime.now(UTC) + timedelta(days=25),
    )
    anna = users[ANNA]
    await anna.press("Vielleicht")
    replies = await anna.send("/termine")
    text = replies[0].text or ""
    assert "Präsentation: Sozialplanung Nord GmbH\n" in text
    assert "🙋 Ihre Antwort: ❔ Vielleicht" in text
    assert "🙋 Ihre Antwort: noch keine" in text  # the other rsvp meeting

    replies = await anna.send("/teilnahme")
    assert replies[0].text == "Das dürfen nur Administratorinnen und Administratoren."
    await anna.press_data(request_of(anna).message_id, f"tln:csv:{meeting_id}")
    assert anna.callback_answers[-1].text == (
        "Das dürfen nur Administratorinnen und Administratoren."
    )
    assert all(message.document is None for message in anna.messages)


async def test_the_example_data_shows_the_whole_flow(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions, imported: None
) -> None:
    """What the demo shows once its seed asks for the open rsvp meetings of the example."""
    async with sessions.begin() as session:
        assert await ask_open_meetings(session, now=datetime.now(UTC), settings=SETTINGS) == 15
    async with sessions.begin() as session:
        assert await ask_open_meetings(session, now=datetime.now(UTC), settings=SETTINGS) == 0
    await start_bot()
    anna, admin = api.user(1003, "Anna"), api.user(1001, "Martin")
    nord = await anna.wait_for(lambda m: is_request(m) and "Sozialplanung Nord" in (m.text or ""))
    await anna.wait_for(lambda m: is_request(m) and "Institut Süd" in (m.text or ""))
    await anna.press_data(nord.message_id, nord.buttons[0][0].data)
    assert "Ihre Antwort: ✅ Zusage" in (nord.text or "")  # the request, updated in place
    await admin.send("/teilnahme")
    await admin.press("Sozialplanung Nord")
    # The administrator is a member too: requests may arrive in the same chat meanwhile.
    overview = (await admin.wait_for(lambda m: "Zusage ·" in (m.text or ""))).text or ""
    assert "✅ 1 Zusage · 👥 0 Vertretung · ❔ 0 Vielleicht · ❌ 0 Absage · ⏳ 8 offen" in overview
    assert "✅ SPD-Fraktion: vertreten – Anna Beispiel" in overview
    assert "⏳ Fraktion der Freien Wähler: offen – Fiona Freitag (noch keine Antwort)" in overview
    assert "Verwaltung (2, zählt für keine Fraktion)" in overview
    assert "• Dr. Martin Muster (Dezernat für Soziales und Gesundheit): noch keine Antwort" in (
        overview
    )
    await admin.press("Anfrage senden")
    assert admin.callback_answers[-1].text == (
        "Alle Mitglieder haben geantwortet oder die Anfrage schon erhalten."
    )
