"""Administrators create, move and cancel meetings in the chat — end to end, both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.localapi.models import ChatMessage
from storage.models import AuditEntry, Meeting, MeetingKind, Organization, OrganizationKind
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot

Sessions = async_sessionmaker[AsyncSession]
# Far enough ahead to stay in the future; 14:00 in Berlin in July is 12:00 UTC.
JULY_7_2031_14H = datetime(2031, 7, 7, 12, 0, tzinfo=UTC)
ADMIN_ONLY = "Das dürfen nur Administratorinnen und Administratoren."


def said(replies: list[ChatMessage], prefix: str) -> ChatMessage:
    """The bot's answer among `replies` that starts with `prefix` (the notice to members about
    the change may arrive beside it: the administrator is a member too)."""
    for message in replies:
        if (message.text or "").startswith(prefix):
            return message
    raise AssertionError(f"no reply starting with {prefix!r}: {[m.text for m in replies]}")


@pytest.fixture
async def committee(sessions: Sessions, group: dict[str, int]) -> int:
    async with sessions.begin() as session:
        organization = Organization(
            key="sozialausschuss", name="Sozialausschuss", kind=OrganizationKind.COMMITTEE
        )
        session.add(organization)
    return organization.id


async def add_meeting(sessions: Sessions, committee: int, **values: object) -> Meeting:
    fields: dict[str, object] = {
        "key": "sa-2031-07-07",
        "organization_id": committee,
        "kind": MeetingKind.SESSION,
        "name": "Sitzung des Sozialausschusses",
        "start": JULY_7_2031_14H,
        "end": JULY_7_2031_14H + timedelta(hours=3),
        "location": "Landratsamt Konstanz",
        **values,
    }
    async with sessions.begin() as session:
        meeting = Meeting(**fields)
        session.add(meeting)
    return meeting


async def meetings(sessions: Sessions) -> list[Meeting]:
    async with sessions() as session:
        return list((await session.execute(select(Meeting).order_by(Meeting.id))).scalars())


async def audit_actions(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        return list((await session.execute(select(AuditEntry.action))).scalars())


async def test_admin_creates_a_meeting_and_bad_input_is_explained_at_each_step(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember, sessions: Sessions, committee: int
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/termin_neu")
    assert admin.last.text.startswith("Was möchten Sie anlegen?")
    assert [row[0].data for row in admin.last.buttons] == [
        "madm:kind:session", "madm:kind:presentation", "madm:kind:appointment", "madm:abort",
    ]  # fmt: skip
    replies = await admin.send("Sitzung")
    assert replies[-1].text == (
        "Bitte wählen Sie mit einer der Schaltflächen oben – oder /abbrechen."
    )
    replies = await admin.press("Sitzung")  # the question is edited into the next one
    assert replies[-1].text == "Neu: Sitzung. Zu welchem Gremium gehört der Termin?"
    await admin.press_data(admin.last.message_id, "madm:org:99999")
    assert admin.callback_answers[-1].text == "Das Gremium „99999“ gibt es nicht."
    await admin.press("Sozialausschuss")
    replies = await admin.send("   ")
    assert replies[-1].text == "Bitte geben Sie einen Titel ein."
    await admin.send("Sitzung des Sozialausschusses")
    assert admin.last.text.startswith("Wann beginnt der Termin?")

    for typed, answer in [
        ("30.02.2031 14:00", "Den 30.02.2031 gibt es nicht."),
        ("7.7.2031", "Zu „7.7.2031“ fehlt die Uhrzeit. Bitte so schreiben: 5.7.2021 14:00."),
        ("5.7.2021 14:00", "Dieser Zeitpunkt liegt in der Vergangenheit."),
        ("30.3.2031 2:30", "„30.3.2031 2:30“ gibt es nicht: In dieser Nacht werden die Uhren"),
    ]:
        replies = await admin.send(typed)
        assert replies[-1].text.startswith(answer), replies[-1].text
    await admin.send("7.7.2031 14:00")
    assert admin.last.text.startswith("Bis wann?")
    replies = await admin.send("13 Uhr")
    assert replies[-1].text.startswith("Das Ende „13 Uhr“ liegt nicht nach dem Beginn.")
    await admin.send("17 Uhr")
    await admin.send("Landratsamt Konstanz, Großer Sitzungssaal")
    assert admin.last.text == "Ist der Termin öffentlich?"
    assert admin.last.buttons[0][0].text == "Öffentlich (üblich)"
    await admin.press("Öffentlich (üblich)")
    await admin.press("Nein (üblich)")
    preview = admin.last.text
    assert preview.startswith("Vorschau – so sehen es die Mitglieder:")
    assert "Sitzung des Sozialausschusses" in preview
    assert "Montag, 7. Juli 2031, 14:00 Uhr bis " in preview and "17:00" in preview
    assert "Landratsamt Konstanz, Großer Sitzungssaal" in preview and "öffentlich" in preview
    assert "Ohne Zu- und Absagen." in preview
    assert await meetings(sessions) == []  # nothing before the confirmation

    replies = await admin.press("✅ Anlegen")
    created = said(replies, "✅ Angelegt: Sitzung des Sozialausschusses")
    assert "sozialausschuss-2031-07-07-1" in (created.text or "")
    [stored] = await meetings(sessions)
    assert stored.key == "sozialausschuss-2031-07-07-1"
    assert (stored.start, stored.end) == (JULY_7_2031_14H, JULY_7_2031_14H + timedelta(hours=3))
    assert (stored.kind, stored.public, stored.rsvp, stored.sequence) == (
        MeetingKind.SESSION, True, False, 0,
    )  # fmt: skip
    assert stored.location == "Landratsamt Konstanz, Großer Sitzungssaal"
    assert await audit_actions(sessions) == ["create_meeting"]
    # The confirmation button of a finished dialogue does nothing more.
    await admin.press_data(created.message_id, "madm:ok")
    assert admin.callback_answers[-1].text == "Diese Schaltfläche ist nicht mehr gültig."
    assert len(await meetings(sessions)) == 1


async def test_presentations_are_usually_internal_with_replies_and_english_works(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember, sessions: Sessions, committee: int
) -> None:
    await add_member("Emma Admin", 502, admin=True)
    await start_bot()
    emma = api.user(502, "Emma", language_code="en")
    await emma.send("/termin_neu")
    assert emma.last.text.startswith("What do you want to create?")
    await emma.press("Presentation")
    await emma.press("Lenkungsgruppe Sozialstrategie")
    await emma.send("Presentation consultancy A")
    replies = await emma.send("31.6.2031 10:00")
    assert replies[-1].text == "There is no 31.06.2031."
    await emma.send("2031-07-08 10:00")
    await emma.send("-")
    await emma.send("-")
    assert [row[0].text for row in emma.last.buttons] == [
        "Not public (usual)",
        "Public",
        "✖️ Cancel",
    ]
    await emma.press("Not public (usual)")
    assert emma.last.buttons[0][0].text == "Yes, ask for replies (usual)"
    await emma.press("Yes, ask for replies (usual)")
    assert "Members are asked to confirm or decline." in emma.last.text
    assert "place to be announced" in emma.last.text
    await emma.press("✅ Create")
    [stored] = await meetings(sessions)
    assert (stored.kind, stored.public, stored.rsvp) == (MeetingKind.PRESENTATION, False, True)
    assert (stored.end, stored.location) == (None, None)
    assert stored.key == "lenkungsgruppe-2031-07-08-1"


async def test_admin_moves_then_cancels_a_meeting(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember, sessions: Sessions, committee: int
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    meeting = await add_meeting(sessions, committee)
    await add_meeting(sessions, committee, key="sa-old", name="Abgesagte Sitzung", cancelled=True)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/termin_verschieben")
    assert admin.last.text.startswith("Welchen Termin möchten Sie verschieben?")
    assert [row[0].data for row in admin.last.buttons] == [f"madm:pick:{meeting.id}", "madm:abort"]
    await admin.press("Sitzung des Sozialausschusses")
    assert "Montag, 7. Juli 2031, 14:00 Uhr" in admin.last.text
    await admin.send("14.7.2031 10:00")
    assert admin.last.text.startswith("Bis wann?")
    await admin.press("Gleiche Dauer wie bisher")
    assert admin.last.text.startswith("Wo? Bisher: Landratsamt Konstanz.")
    await admin.press("Ort beibehalten")
    assert admin.last.text.startswith("Warum wird der Termin verschoben?")
    assert admin.last.buttons[0][0].text == "Ohne Begründung"
    await admin.send("Der Saal wird renoviert")
    preview = admin.last.text
    assert "💬 Grund: Der Saal wird renoviert" in preview
    assert "Montag, 14. Juli 2031, 10:00 Uhr bis " in preview and "13:00" in preview
    assert "Bisher: Montag, 7. Juli 2031, 14:00 Uhr" in preview
    assert (await meetings(sessions))[0].start == JULY_7_2031_14H  # nothing before confirming
    replies = await admin.press("✅ Verschieben")
    said(replies, "✅ Verschoben: Sitzung des Sozialausschusses")
    moved = (await meetings(sessions))[0]
    july_14_10h = datetime(2031, 7, 14, 8, 0, tzinfo=UTC)
    assert (moved.start, moved.end) == (july_14_10h, july_14_10h + timedelta(hours=3))
    assert moved.change_reason == "Der Saal wird renoviert"
    assert (moved.sequence, moved.key, moved.location) == (
        1,
        "sa-2031-07-07",
        "Landratsamt Konstanz",
    )

    await admin.send("/termin_absagen")
    await admin.press("Sitzung des Sozialausschusses")
    assert admin.last.text.startswith("Warum wird der Termin abgesagt?")
    replies = await admin.press("Ohne Begründung")
    assert "Wirklich absagen?" in (said(replies, "Absagen").text or "")
    assert "Grund:" not in (said(replies, "Absagen").text or "")
    replies = await admin.press("✅ Ja, absagen")
    said(replies, "✅ Abgesagt: Sitzung des Sozialausschusses")
    cancelled = (await meetings(sessions))[0]
    assert cancelled.cancelled and cancelled.sequence == 2 and cancelled.change_reason is None
    assert await audit_actions(sessions) == ["move_meeting", "cancel_meeting"]
    replies = await admin.send("/termin_absagen")
    said(replies, "Es gibt keine kommenden Termine")


async def test_aborting_stores_nothing(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember, sessions: Sessions, committee: int
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    meeting = await add_meeting(sessions, committee)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/termin_neu")
    await admin.press("Termin")
    await admin.press("Sozialausschuss")
    await admin.send("Klausur")
    await admin.send("8.7.2031 9:00")
    replies = await admin.send("/abbrechen")
    assert replies[-1].text == "Abgebrochen. Es wurde nichts gespeichert."
    replies = await admin.send("17:00")  # no dialogue waits for it any more
    assert "Abgebrochen" not in replies[-1].text and "Wo?" not in replies[-1].text

    await admin.send("/termin_absagen")
    await admin.press("Sitzung des Sozialausschusses")
    await admin.send("-")  # no reason
    await admin.press("↩️ Nein, zurück")
    assert admin.last.text == "Abgebrochen. Es wurde nichts gespeichert."
    await admin.send("/termin_verschieben")
    await admin.press("Sitzung des Sozialausschusses")
    await admin.send("9.7.2031 9:00")
    await admin.press("✖️ Abbrechen")
    [unchanged] = await meetings(sessions)
    assert (unchanged.id, unchanged.start, unchanged.cancelled, unchanged.sequence) == (
        meeting.id, JULY_7_2031_14H, False, 0,
    )  # fmt: skip
    assert await audit_actions(sessions) == []


async def test_members_are_refused_commands_and_replayed_buttons(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember, sessions: Sessions, committee: int
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    meeting = await add_meeting(sessions, committee)
    await start_bot()
    anna = api.user(501, "Anna")
    for command in ("/termin_neu", "/termin_verschieben", "/termin_absagen"):
        replies = await anna.send(command)
        assert replies[-1].text == ADMIN_ONLY
    replies = await anna.send("14.7.2031 10:00")
    assert ADMIN_ONLY not in replies[-1].text  # no dialogue was started for her
    for data in ("madm:kind:session", f"madm:pick:{meeting.id}", "madm:ok", "madm:abort"):
        await anna.press_data(1, data)
        assert anna.callback_answers[-1].text == ADMIN_ONLY
    # While an administrator's dialogue is open, her presses do not reach it either.
    admin = api.user(500, "Bernd")
    await admin.send("/termin_absagen")
    await admin.press("Sitzung des Sozialausschusses")
    await admin.press("Ohne Begründung")
    await anna.press_data(admin.last.message_id, "madm:ok")
    assert anna.callback_answers[-1].text == ADMIN_ONLY
    await admin.press("↩️ Nein, zurück")
    [unchanged] = await meetings(sessions)
    assert (unchanged.cancelled, unchanged.sequence) == (False, 0)
    assert await audit_actions(sessions) == []
