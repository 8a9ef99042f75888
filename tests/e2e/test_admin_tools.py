"""The administration's tools end to end (issue 13): departments in /mitglieder, new
invitation links for who never linked, the note when an invitation is accepted, names that
are checked, and the Änderungsverlauf in the reader's language."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import broadcast_progress
from bot.config import Settings
from bot.localapi import LocalBotApi
from bot.services.broadcast import AudienceChoice, create_broadcast
from bot.services.invites import create_invite
from storage.models import AgendaItem, AuditEntry, Invite, Meeting, MeetingKind, Paper, Person
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot

LINK = re.compile(r"https://t\.me/gremienbot_test_bot\?start=([A-Za-z0-9_-]{1,64})")


async def _invite(sessions: async_sessionmaker[AsyncSession], name: str, **extra: object) -> str:
    async with sessions.begin() as session:
        created = await create_invite(
            session,
            actor=None,
            name=name,
            group_key="lenkungsgruppe",
            now=datetime.now(UTC),
            ttl=timedelta(days=14),
            **extra,  # type: ignore[arg-type]
        )
    return created.token


async def test_members_by_faction_administration_and_others_and_new_links(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True, department="dezernat-soziales")
    await add_member("Anna Beispiel", 501, faction="spd")
    await add_member("Erika Extern", 502, function="Gutachterin")
    old_fiona = await _invite(sessions, "Fiona Freitag", faction_key="cdu")
    await _invite(sessions, "Karl Kasse", department_key="dezernat-soziales")
    await start_bot()
    admin = api.user(500, "Martin")
    [listing] = await admin.send("/mitglieder")
    text = listing.text or ""
    # Factions by name, then the administration, then the others.
    assert text.index("CDU-Fraktion") < text.index("SPD-Fraktion") < text.index("Verwaltung")
    assert text.index("Verwaltung") < text.index("Weitere") < text.index("Erika Extern")
    assert "Noch nie verbunden (2): Fiona Freitag, Karl Kasse" in text
    labels = [row[0].text for row in listing.buttons]
    assert "Dr. Martin Muster · Dezernat für Soziales und Gesundheit" in labels or any(
        label.startswith("Dr. Martin Muster · Dezernat") for label in labels
    )
    assert "Anna Beispiel · SPD-Fraktion" in labels

    await admin.press("Neue Einladungslinks für alle (2)")
    assert "Neue Einladungslinks für 2 Mitglieder erstellen (Fiona Freitag, Karl Kasse)?" in (
        admin.last.text or ""
    )
    replies = await admin.press("✅ Ja, neue Links erstellen")
    links = LINK.findall("\n".join(message.text or "" for message in replies))
    assert len(links) == 2, [m.text for m in replies]
    assert "Fiona Freitag (CDU-Fraktion)" in (replies[-1].text or "")

    # The old link is withdrawn; the new one works, and the administrator is told.
    fiona = api.user(610, "Fiona")
    [refused] = await fiona.send(f"/start {old_fiona}")
    assert "zurückgezogen" in (refused.text or "")
    new_fiona = next(
        token for token in links if "Fiona" in (replies[-1].text or "").split(token)[0][-120:]
    )
    replies = await fiona.send(f"/start {new_fiona}")
    assert "Willkommen, Fiona Freitag!" in (replies[0].text or "")
    note = await admin.wait_for(lambda m: "hat die Einladung angenommen" in (m.text or ""))
    assert (
        note.text
        == "🔗 Fiona Freitag (CDU-Fraktion) hat die Einladung angenommen und ist jetzt verbunden."
    )
    async with sessions() as session:
        invites = (await session.execute(select(Invite))).scalars().unique().all()
    assert sum(1 for invite in invites if invite.revoked_at is not None) == 2


async def test_one_new_link_from_the_member_view(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    old = await _invite(sessions, "Lena Links", faction_key="gruene")
    await start_bot()
    admin = api.user(500, "Martin")
    await admin.send("/mitglieder")
    await admin.press("Lena Links · Grüne-Fraktion")
    replies = await admin.press("Neuer Einladungslink")
    [token] = LINK.findall(replies[-1].text or "")
    assert token != old
    assert (replies[-1].text or "").startswith("Neuer Einladungslink – der alte gilt nicht mehr.")


async def test_names_are_checked_and_a_second_anna_is_pointed_out(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    await start_bot()
    admin = api.user(500, "Martin")
    await admin.send("/einladen")
    [refused] = await admin.send("-")
    assert (refused.text or "").startswith("Das sieht nicht nach einem Namen aus")
    [warned] = await admin.send("anna  beispiel")
    assert (warned.text or "").startswith(
        "Achtung: Anna Beispiel (SPD-Fraktion) ist schon Mitglied."
    )
    assert "Zu welcher Fraktion gehört anna beispiel?" in (warned.text or "")


async def test_the_change_history_in_each_language(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    await add_member("Emma English", 502, admin=True, language="en")
    await add_member("Anna Beispiel", 503, faction="spd")
    await _invite(sessions, "Clara Neu", faction_key="spd")
    async with sessions.begin() as session:
        await create_broadcast(
            session,
            actor=None,
            body="Termin verschoben",
            choice=AudienceChoice.parse("faction:spd"),
            settings=Settings(_env_file=None),
            now=datetime.now(UTC),
        )
    await start_bot()
    [german] = await api.user(500, "Martin").send("/verlauf")
    assert (german.text or "").startswith("Änderungsverlauf (die letzten 2 Einträge)")
    assert "Kommandozeile: hat Clara Neu eingeladen (Mitglied, SPD-Fraktion)" in (german.text or "")
    assert (
        "Kommandozeile: hat ein Rundschreiben an die Fraktion „SPD-Fraktion“ geschickt (1 Chats)"
        in (german.text or "")
    )
    assert "faction:spd" not in (german.text or "")
    [english] = await api.user(502, "Emma", language_code="en").send("/verlauf")
    assert "command line: invited Clara Neu (member, SPD-Fraktion)" in (english.text or "")
    assert "command line: sent a broadcast to the faction “SPD-Fraktion” (1 chats)" in (
        english.text or ""
    )


async def test_lookup_buttons_refuse_outside_a_private_chat(
    api: LocalBotApi,
    start_bot: StartBot,
    sessions: async_sessionmaker[AsyncSession],
    imported: None,
) -> None:
    async with sessions() as session:
        meeting_id = (await session.execute(select(Meeting.id).limit(1))).scalar_one()
        paper_id = (await session.execute(select(Paper.id).limit(1))).scalar_one()
    await start_bot()
    admin, anna = api.user(1001, "Martin"), api.user(1003, "Anna")
    group = api.group(-300, "Lenkungsgruppe")
    await group.add_bot(by=admin)
    await group.send(anna, "Hallo")
    before = len(group.messages)
    message_id = group.messages[-1].message_id
    for data in (
        f"mtg:show:{meeting_id}",
        f"pap:id:{paper_id}",
        "pap:file:1",
        f"cal:ics:{meeting_id}",
    ):
        await group.press_data(anna, message_id, data)
        assert group.callback_answers[-1].text == (
            "Das zeige ich nur im privaten Chat mit mir – bitte öffnen Sie den Chat mit dem Bot "
            "und schauen Sie dort nach."
        ), data
    assert len(group.messages) == before  # nothing was posted into the group


async def test_pickers_tell_two_presentations_apart_and_confirmations_are_unmistakable(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
    group: dict[str, int],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    start = datetime(2031, 3, 4, 9, tzinfo=UTC)
    async with sessions.begin() as session:
        for number, firm in enumerate(
            ("Sozialplanung Nord GmbH", "Institut Süd für Sozialforschung")
        ):
            session.add(
                Meeting(
                    key=f"praes-{number}",
                    organization_id=group["lenkungsgruppe"],
                    kind=MeetingKind.PRESENTATION,
                    name=f"Präsentation: {firm}",
                    start=start + timedelta(hours=2 * number),
                    public=False,
                )
            )
    await start_bot()
    admin = api.user(500, "Martin")
    [picker] = await admin.send("/termin_absagen")
    labels = [row[0].text for row in picker.buttons][:2]
    assert labels == [
        "04.03.31, 10:00 · Sozialplanung Nord GmbH",
        "04.03.31, 12:00 · Institut Süd für Sozialforschung",
    ]
    await admin.press("Institut Süd")
    await admin.press("Ohne Begründung")
    assert [row[0].text for row in admin.last.buttons] == ["✅ Ja, absagen", "↩️ Nein, zurück"]
    await admin.press("↩️ Nein, zurück")
    async with sessions() as session:
        assert not any(m.cancelled for m in (await session.execute(select(Meeting))).scalars())


async def test_an_agenda_corrected_with_buttons_and_members_are_told(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
    group: dict[str, int],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    start = datetime(2031, 5, 6, 14, tzinfo=UTC)
    async with sessions.begin() as session:
        meeting = Meeting(
            key="lg-2031-05-06",
            organization_id=group["lenkungsgruppe"],
            kind=MeetingKind.SESSION,
            name="Sitzung der Lenkungsgruppe",
            start=start,
            public=True,
            agenda_items=[
                AgendaItem(position=0, number="1", name="Begrüßung", public=True),
                AgendaItem(position=1, number="2", name="Personalsache", public=True),
                AgendaItem(position=2, number="4", name="Sozialstrategie", public=True),
            ],
        )
        session.add(meeting)
    await start_bot()
    admin, anna = api.user(500, "Martin"), api.user(501, "Anna")
    await admin.send("/tagesordnung_bearbeiten")
    await admin.press("Sitzung der Lenkungsgruppe")
    assert "Begrüßung" in (admin.last.text or "")
    await admin.press("🔒 2 Personalsache")
    assert admin.callback_answers[-1].text == "Gespeichert. Die Mitglieder werden benachrichtigt."
    await admin.press("🗑 1")
    assert (admin.last.text or "") == (
        "TOP 1 „Begrüßung“ von der Tagesordnung „Sitzung der Lenkungsgruppe“ entfernen?"
    )
    assert [row[0].text for row in admin.last.buttons] == ["✅ Ja, entfernen", "↩️ Nein, zurück"]
    await admin.press("✅ Ja, entfernen")
    await admin.press("🔢 Neu nummerieren")
    await admin.press("✅ Ja, neu nummerieren")
    async with sessions() as session:
        items = (
            (
                await session.execute(
                    select(AgendaItem)
                    .where(AgendaItem.meeting_id == meeting.id)
                    .order_by(AgendaItem.position)
                )
            )
            .scalars()
            .unique()
            .all()
        )
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert [(i.number, i.name, i.public) for i in items] == [
        ("1", "Personalsache", False),
        ("2", "Sozialstrategie", True),
    ]
    assert actions.count("edit_agenda") == 3
    note = await anna.wait_for(lambda m: "Begrüßung" in (m.text or ""))
    assert "Sitzung der Lenkungsgruppe" in (note.text or "")


async def test_the_chat_invitation_offers_the_departments(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True, department="dezernat-soziales")
    await start_bot()
    admin = api.user(500, "Martin")
    await admin.send("/einladen")
    [question] = await admin.send("Karl Kasse")
    labels = [row[0].text for row in question.buttons]
    assert "🏛 Dezernat für Soziales und Gesundheit (Verwaltung)" in labels
    assert labels[-1] == "Weder Fraktion noch Verwaltung"
    await admin.press("🏛 Dezernat für Soziales")
    await admin.send("Leiter des Kämmereiamts")
    await admin.press("Nein")
    confirmation = admin.last.text or ""
    assert "Verwaltungsbereich: Dezernat für Soziales und Gesundheit" in confirmation
    assert "Fraktion" not in confirmation  # a department is no faction
    await admin.press("Einladung anlegen")
    async with sessions() as session:
        karl = (
            (await session.execute(select(Person).where(Person.name == "Karl Kasse")))
            .unique()
            .scalar_one()
        )
    assert karl.department is not None and karl.department.key == "dezernat-soziales"
    assert karl.faction_id is None


async def test_the_invitation_confirmation_names_the_kind_of_organization(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Emma English", 502, admin=True, language="en")
    await add_member("Dr. Martin Muster", 500, admin=True, department="dezernat-soziales")
    await start_bot()
    emma = api.user(502, "Emma", language_code="en")
    await emma.send("/einladen")
    await emma.send("Karl Kasse")
    await emma.press("🏛 Dezernat für Soziales und Gesundheit (administration)")
    await emma.send("-")
    await emma.press("No")
    assert (emma.last.text or "").splitlines()[1:] == [
        "Name: Karl Kasse",
        "Department: Dezernat für Soziales und Gesundheit",
        "Function: –",
        "Administrator: No",
    ]
    await emma.press("Cancel")

    martin = api.user(500, "Martin")
    await martin.send("/einladen")
    await martin.send("Nora Neutral")
    await martin.press("Weder Fraktion noch Verwaltung")
    await martin.send("Protokoll")
    await martin.press("Ja")
    assert (martin.last.text or "").splitlines()[1:] == [
        "Name: Nora Neutral",
        "Fraktion / Verwaltung: –",
        "Funktion: Protokoll",
        "Administrationsrechte: Ja",
    ]

    await martin.send("/einladen")
    await martin.send("Sven Sozial")
    await martin.press("SPD-Fraktion")
    await martin.send("Sprecher")
    await martin.press("Nein")
    assert "\nFraktion: SPD-Fraktion\n" in (martin.last.text or "")


async def test_new_links_for_those_a_broadcast_did_not_reach(
    api: LocalBotApi,
    start_bot: StartBot,
    sessions: async_sessionmaker[AsyncSession],
    imported: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(broadcast_progress, "PROGRESS_INTERVAL", 0.2)
    await start_bot()
    martin, bernd = api.user(1001, "Martin"), api.user(1004, "Bernd")
    await martin.send("/rundschreiben")
    await martin.send("Bitte lesen")
    await martin.press("Ohne Anhang")
    await martin.press("🗣 Sprecherinnen und Sprecher der Fraktionen")
    bernd.block()
    await martin.press("Jetzt senden")
    report = await martin.wait_for(
        lambda m: (m.text or "").startswith("✅ Zugestellt") and bool(m.buttons)
    )
    assert [row[0].text for row in report.buttons] == [
        "🔗 Neue Einladungslinks für die nicht Erreichten"
    ]
    replies = await martin.press("Neue Einladungslinks für die nicht Erreichten")
    text = "\n".join(message.text or "" for message in replies)
    assert text.startswith("4 neue Einladungslinks – die alten gelten nicht mehr.")
    for name in ("Bernd Probe (CDU-Fraktion)", "Fiona Freitag", "Lena Links", "Ludwig Liberal"):
        assert name in text
    assert len(LINK.findall(text)) == 4


async def test_a_member_is_assigned_to_a_department_in_the_chat(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True, department="dezernat-soziales")
    carla = await add_member("Carla Controlling", 502, faction="spd")
    await start_bot()
    admin = api.user(500, "Martin")
    await admin.send("/mitglieder")
    await admin.press("Carla Controlling · SPD-Fraktion")
    await admin.press("🏛 Verwaltungsbereich")
    assert (admin.last.text or "").startswith(
        "Zu welchem Verwaltungsbereich gehört Carla Controlling (SPD-Fraktion)?"
    )
    await admin.press("Dezernat für Soziales und Gesundheit")
    assert "Dezernat für Soziales und Gesundheit" in (admin.last.text or "")
    async with sessions() as session:
        stored = await session.get(Person, carla.id)
        assert stored is not None
        assert (stored.faction_id, stored.department is not None) == (None, True)
    [listing] = await admin.send("/mitglieder")
    assert "SPD-Fraktion" not in (listing.text or "")
    assert "Verwaltung" in (listing.text or "")
    [history] = await admin.send("/verlauf")
    assert (
        "Dr. Martin Muster: hat Carla Controlling der Verwaltung zugeordnet "
        "(Dezernat für Soziales und Gesundheit)" in (history.text or "")
    )


async def test_the_member_detail_names_the_kind_of_organization(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True, department="dezernat-soziales")
    await add_member("Emma English", 502, admin=True, language="en")
    await add_member("Anna Beispiel", 503, faction="spd")
    await add_member("Nora Neutral", 504, function="Protokoll")
    await start_bot()
    emma = api.user(502, "Emma", language_code="en")
    await emma.send("/mitglieder")
    await emma.press("Dr. Martin Muster")
    assert (emma.last.text or "").splitlines()[:3] == [
        "Dr. Martin Muster",
        "Department: Dezernat für Soziales und Gesundheit",
        "Function: –",
    ]
    assert "Faction" not in (emma.last.text or "")  # a department is no faction
    await emma.press("« Back to the list")
    await emma.press("Anna Beispiel")
    assert (emma.last.text or "").splitlines()[1] == "Faction: SPD-Fraktion"
    await emma.press("« Back to the list")
    await emma.press("Nora Neutral")
    assert (emma.last.text or "").splitlines()[1:3] == [
        "Faction / administration: –",
        "Function: Protokoll",
    ]

    martin = api.user(500, "Martin")
    await martin.send("/mitglieder")
    await martin.press("Dr. Martin Muster")
    assert (martin.last.text or "").splitlines()[1] == (
        "Verwaltungsbereich: Dezernat für Soziales und Gesundheit"
    )
    assert "Fraktion" not in (martin.last.text or "")
    await martin.press("« Zurück zur Liste")
    await martin.press("Anna Beispiel")
    assert (martin.last.text or "").splitlines()[1] == "Fraktion: SPD-Fraktion"
    await martin.press("« Zurück zur Liste")
    await martin.press("Nora Neutral")
    assert (martin.last.text or "").splitlines()[1] == "Fraktion / Verwaltung: –"


async def test_taking_a_member_out_of_the_administration_reads_as_a_removal(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    await add_member("Emma English", 502, admin=True, language="en")
    await add_member("Karl Kasse", 503, department="dezernat-soziales")
    await start_bot()
    admin = api.user(500, "Martin")
    await admin.send("/mitglieder")
    await admin.press("Karl Kasse")
    await admin.press("🏛 Verwaltungsbereich")
    await admin.press("Keinem (kein Teil der Verwaltung)")
    assert (admin.last.text or "").splitlines()[1] == "Fraktion / Verwaltung: –"
    [history] = await admin.send("/verlauf")
    [line] = (history.text or "").splitlines()[1:]  # "{when} – {actor}: {what}"
    assert line.endswith(" – Dr. Martin Muster: hat Karl Kasse aus der Verwaltung genommen")
    [history] = await api.user(502, "Emma", language_code="en").send("/verlauf")
    [line] = (history.text or "").splitlines()[1:]
    assert line.endswith(" – Dr. Martin Muster: removed Karl Kasse from the administration")


async def test_my_data_names_the_department_of_a_member_of_the_administration(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True, department="dezernat-soziales")
    await add_member("Anna Beispiel", 501, faction="spd", language="en")
    await start_bot()
    martin, anna = api.user(500, "Martin"), api.user(501, "Anna")
    replies = await martin.send("/meine_daten")
    summary = replies[0].text or ""
    assert "Verwaltungsbereich: Dezernat für Soziales und Gesundheit" in summary
    assert "Fraktion" not in summary
    document = replies[1].document
    assert document is not None
    stored = json.loads(document.data)["person"]
    assert (stored["department"], stored["faction"]) == (
        "Dezernat für Soziales und Gesundheit",
        None,
    )
    assert "Faction: SPD-Fraktion" in ((await anna.send("/meine_daten"))[0].text or "")
