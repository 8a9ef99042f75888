"""Roles, ending memberships, languages, privacy, group chats and strangers — end to end."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from storage.models import AuditEntry, Membership, Person
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot


async def test_member_is_refused_admin_commands_and_replayed_admin_buttons(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Admin", 500, admin=True)
    anna = await add_member("Anna Beispiel", 501, faction="spd")
    await start_bot()
    member = api.user(501, "Anna")
    replies = await member.send("/mitglieder")
    assert replies[0].text == "Das dürfen nur Administratorinnen und Administratoren."
    replies = await member.send("/einladen")
    assert replies[0].text == "Das dürfen nur Administratorinnen und Administratoren."
    await member.press_data(1, f"mem:promote:{anna.id}")
    assert (
        member.callback_answers[-1].text == "Das dürfen nur Administratorinnen und Administratoren."
    )
    async with sessions() as session:
        assert (await session.get(Person, anna.id)).is_admin is False  # type: ignore[union-attr]


async def test_promotion_demotion_and_the_last_admin(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    anna = await add_member("Anna Beispiel", 501, faction="spd", function="Sprecherin")
    await start_bot()
    admin, member = api.user(500, "Bernd"), api.user(501, "Anna")
    await member.send("/start")
    replies = await admin.send("/mitglieder")
    listing = replies[0].text
    assert (
        "SPD-Fraktion" in listing and "Anna Beispiel, Sprecherin – Mitglied, verbunden" in listing
    )
    await admin.press("Anna Beispiel · SPD-Fraktion")
    await admin.press("Zum Admin machen")
    # A confirmation that names the person and her faction, with unmistakable buttons.
    assert admin.last.text.startswith("Anna Beispiel (SPD-Fraktion) Administrationsrechte geben?")
    assert [row[0].text for row in admin.last.buttons] == [
        "✅ Ja, Administrationsrechte geben",
        "↩️ Nein, zurück",
    ]
    await admin.press("Ja, Administrationsrechte geben")
    note = await member.wait_for(lambda m: "jetzt Administrationsrechte" in m.text)
    assert "zusätzlichen Befehle" in note.text
    scope = {"type": "chat", "chat_id": 501}
    assert "mitglieder" in [c["command"] for c in api.commands(scope)]

    await admin.press("Administrationsrechte entziehen")
    assert any(
        "Anna Beispiel (SPD-Fraktion) die Administrationsrechte entziehen?" in (m.text or "")
        for m in admin.messages
    )
    await admin.press("Ja, Administrationsrechte entziehen")
    await member.wait_for(lambda m: "Administrationsrechte wurden zurückgenommen" in m.text)
    assert "mitglieder" not in [c["command"] for c in api.commands(scope)]

    await admin.press("« Zurück zur Liste")
    await admin.press("Bernd Verwaltung")
    await admin.press("Administrationsrechte entziehen")
    await admin.press("Ja, Administrationsrechte entziehen")
    assert "mindestens eine Administratorin" in admin.callback_answers[-1].text
    async with sessions() as session:
        assert (await session.get(Person, anna.id)).is_admin is False  # type: ignore[union-attr]
        actions = [e.action for e in (await session.execute(select(AuditEntry))).scalars()]
    assert actions.count("promote") == 1 and actions.count("demote") == 1
    replies = await admin.send("/verlauf")
    assert replies[0].text.startswith("Änderungsverlauf (die letzten")
    assert "Bernd Verwaltung: hat Anna Beispiel Administrationsrechte gegeben" in replies[0].text
    assert "Bernd Verwaltung: hat Anna Beispiel die Administrationsrechte entzogen" in (
        replies[0].text
    )
    english = api.user(500, "Bernd", language_code="en")
    await english.send("/sprache")
    await english.press("English")
    replies = await english.send("/audit")  # the old name stays as an alias
    assert "Bernd Verwaltung: made Anna Beispiel an administrator" in replies[0].text


async def test_ending_a_membership_cuts_access_at_once(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    anna = await add_member("Anna Beispiel", 501, faction="spd")
    await start_bot()
    admin, member = api.user(500, "Bernd"), api.user(501, "Anna")
    replies = await member.send("/meine_daten")
    assert "Über Sie gespeichert" in replies[0].text
    await admin.send("/mitglieder")
    await admin.press("Anna Beispiel · SPD-Fraktion")
    await admin.press("Mitgliedschaft beenden")
    assert "Mitgliedschaft von Anna Beispiel (SPD-Fraktion) wirklich beenden?" in admin.last.text
    await admin.press("Ja, Mitgliedschaft beenden")
    assert admin.last.text == "Die Mitgliedschaft von Anna Beispiel ist beendet."
    await member.wait_for(lambda m: "Mitgliedschaft in der Lenkungsgruppe" in m.text)
    replies = await member.send("/meine_daten")
    assert "Einladungslink" in replies[0].text  # the stranger's refusal
    async with sessions() as session:
        memberships = (
            (await session.execute(select(Membership).where(Membership.person_id == anna.id)))
            .scalars()
            .all()
        )
    assert len(memberships) == 1 and memberships[0].end_date is not None  # history kept


async def test_languages_follow_telegram_and_the_members_choice(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Admin", 500, admin=True)
    await add_member("Emma English", 502)
    await add_member("Anna Beispiel", 501)
    await start_bot()
    emma = api.user(502, "Emma", language_code="en")
    anna = api.user(501, "Anna", language_code="de")
    assert "What I can do for you" in (await emma.send("/help"))[0].text
    assert "Was ich für Sie tun kann" in (await anna.send("/help"))[0].text
    await anna.send("/sprache")
    await anna.press("English")
    assert anna.last.text == "From now on I will write to you in English."
    assert "What I can do for you" in (await anna.send("/help"))[0].text
    menu = api.commands({"type": "chat", "chat_id": 501})
    assert {"command": "help", "description": "Help and commands"} in menu


async def test_my_data_and_leaving(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    anna = await add_member("Anna Beispiel", 501, faction="spd", function="Sprecherin")
    await start_bot()
    admin, member = api.user(500, "Bernd"), api.user(501, "Anna")
    await admin.send("/start")
    replies = await member.send("/meine_daten")
    assert "Name: Anna Beispiel" in replies[0].text and "Fraktion: SPD-Fraktion" in replies[0].text
    document = replies[1].document
    assert document is not None and document.filename == "meine-daten.json"
    data = json.loads(document.data)
    assert data["person"]["name"] == "Anna Beispiel"
    assert data["person"]["telegram_user_id"] == 501
    assert data["memberships"][0]["organization"] == "Lenkungsgruppe Sozialstrategie"

    await member.send("/austreten")
    await member.press("Nein, bleiben")
    assert member.last.text == "Gut, Sie bleiben Mitglied."
    await member.send("/austreten")
    await member.press("Ja, austreten")
    assert "persönlichen Daten sind gelöscht" in member.last.text
    await admin.wait_for(lambda m: "Anna Beispiel ist aus der Lenkungsgruppe ausgetreten" in m.text)
    async with sessions() as session:
        person = await session.get(Person, anna.id)
        assert person is not None
        assert person.name == "Ehemaliges Mitglied" and person.telegram_user_id is None
        assert person.erased_at is not None
        leave = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "leave"))
        ).scalar_one()
        assert leave.actor_name == "Anna Beispiel"  # the log keeps who did it
    replies = await member.send("/help")
    assert "Einladungslink" in replies[0].text


async def test_a_stranger_learns_nothing(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    await start_bot()
    stranger = api.user(999, "Eve")
    texts = []
    for command in ("/mitglieder", "/meine_daten", "/einladen", "/sprache", "hallo", "/xyz"):
        replies = await stranger.send(command)
        assert len(replies) == 1
        texts.append(replies[0].text)
    await stranger.press_data(1, "mem:show:1")
    await stranger.press_data(1, "lang:en")
    assert len(stranger.callback_answers) == 2  # both presses answered
    texts += [answer.text or "" for answer in stranger.callback_answers]
    for text in texts:
        assert "Einladungslink" in text
        assert "Anna" not in text and "Bernd" not in text and "SPD" not in text


async def test_group_connected_by_admin_and_left_when_added_by_others(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await add_member("Anna Beispiel", 501)
    await start_bot()
    admin, member, stranger = api.user(500, "Bernd"), api.user(501, "Anna"), api.user(999, "Eve")

    foreign = api.group(-100, "Stammtisch")
    await foreign.add_bot(by=member)
    assert "nur die Verwaltung" in foreign.last.text
    assert foreign.bot_left

    group = api.group(-200, "Lenkungsgruppe Sozialstrategie")
    await group.add_bot(by=admin)
    assert "jetzt mit dem Bot der Lenkungsgruppe verbunden" in group.last.text
    before = len(group.messages)
    await group.send(stranger, "/help")
    await group.send(member, "/meine_daten")
    assert len(group.messages) == before + 1  # only the member is answered …
    assert "nur im privaten Chat" in group.last.text  # … and without personal data


async def test_the_last_administrator_cannot_leave_and_is_told_why(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/austreten")
    await admin.press("Ja, austreten")
    assert "mindestens eine Administratorin" in admin.last.text
    assert "nicht geklappt" not in admin.last.text
    replies = await admin.send("/help")
    assert "Für die Verwaltung" in replies[0].text  # still a member and administrator
