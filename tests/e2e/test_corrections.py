"""Corrections in the chat, end to end on both databases: a meeting's title, place and public
flag (/termin_bearbeiten), its agenda typed in /tagesordnung_bearbeiten, a Vorlage's fields
(/vorlage_bearbeiten) — each previewed, confirmed, audited and announced to members."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from storage.models import AgendaItem, AuditEntry, Meeting, MeetingKind, Paper
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot

Sessions = async_sessionmaker[AsyncSession]
MAY_6_2031_16H = datetime(2031, 5, 6, 14, tzinfo=UTC)  # 16:00 in Berlin


async def add_meeting(sessions: Sessions, group: dict[str, int], **values: object) -> Meeting:
    fields: dict[str, object] = {
        "key": "lg-2031-05-06",
        "organization_id": group["lenkungsgruppe"],
        "kind": MeetingKind.SESSION,
        "name": "Sitzung der Lenkungsgruppe",
        "start": MAY_6_2031_16H,
        "end": MAY_6_2031_16H + timedelta(hours=2),
        "location": "Landratsamt, Raum 1",
        "public": True,
        **values,
    }
    async with sessions.begin() as session:
        meeting = Meeting(**fields)
        session.add(meeting)
    return meeting


async def stored_meeting(sessions: Sessions, meeting_id: int) -> Meeting:
    async with sessions() as session:
        meeting = await session.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting


async def audit_actions(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        return list((await session.execute(select(AuditEntry.action))).scalars())


async def test_a_meeting_title_place_and_public_flag_corrected_in_the_chat(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    group: dict[str, int],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    meeting = await add_meeting(sessions, group)
    await start_bot()
    admin, anna = api.user(500, "Martin"), api.user(501, "Anna")
    replies = await anna.send("/termin_bearbeiten")
    assert replies[-1].text == "Das dürfen nur Administratorinnen und Administratoren."
    await admin.send("/termin_bearbeiten")
    assert admin.last.text == "Welchen Termin möchten Sie bearbeiten?"
    assert admin.last.buttons[0][0].text == "06.05.31, 16:00 · Sitzung der Lenkungsgruppe"
    await admin.press("Sitzung der Lenkungsgruppe")
    assert "Was möchten Sie ändern?" in admin.last.text
    assert [row[0].text for row in admin.last.buttons] == [
        "✏️ Titel ändern", "📍 Ort ändern", "🔒 Nicht öffentlich machen",
        "🙋 Um Zu- und Absagen bitten", "✖️ Abbrechen",
    ]  # fmt: skip
    await admin.press("✏️ Titel ändern")
    assert admin.last.text == "Neuer Titel? Bisher: Sitzung der Lenkungsgruppe"
    replies = await admin.send("   ")
    assert replies[-1].text == "Bitte geben Sie einen Titel ein."
    await admin.send("Klausur der Lenkungsgruppe")
    preview = admin.last.text
    assert "Klausur der Lenkungsgruppe" in preview and "Geändert: Titel." in preview
    # One field fixed without starting over: the place, then the title again.
    await admin.press("📍 Ort ändern")
    assert admin.last.text.startswith("Neuer Ort? Bisher: Landratsamt, Raum 1.")
    await admin.send("Landratsamt, Großer Sitzungssaal")
    await admin.press("🔒 Nicht öffentlich machen")
    preview = admin.last.text
    assert "Geändert: Titel, Ort, öffentlich/nicht öffentlich." in preview
    assert "Landratsamt, Großer Sitzungssaal" in preview
    await admin.press("✏️ Titel ändern")
    await admin.send("Klausurtagung der Lenkungsgruppe")
    assert "Klausurtagung der Lenkungsgruppe" in admin.last.text
    unchanged = await stored_meeting(sessions, meeting.id)
    assert unchanged.name == "Sitzung der Lenkungsgruppe"  # nothing before the confirmation
    replies = await admin.press("✅ Speichern")
    saved = "✅ Gespeichert: Lenkungsgruppe Sozialstrategie: Klausurtagung der Lenkungsgruppe."
    assert saved in [message.text for message in replies]
    edited = await stored_meeting(sessions, meeting.id)
    assert (edited.name, edited.location, edited.public) == (
        "Klausurtagung der Lenkungsgruppe", "Landratsamt, Großer Sitzungssaal", False,
    )  # fmt: skip
    assert edited.sequence == 1  # calendars update
    assert await audit_actions(sessions) == ["edit_meeting"]
    notice = await anna.wait_for(lambda m: "Klausurtagung" in (m.text or ""))
    assert "📍 Ort: Landratsamt, Raum 1 → Landratsamt, Großer Sitzungssaal" in notice.text


async def agenda(sessions: Sessions, meeting_id: int) -> list[tuple[str, str, bool, str | None]]:
    async with sessions() as session:
        query = (
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
        items = (await session.execute(query)).scalars().unique().all()
        return [
            (item.number, item.name, item.public, item.paper.reference if item.paper else None)
            for item in items
        ]


async def test_an_agenda_typed_in_the_chat_from_the_missing_agenda(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    group: dict[str, int],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    meeting = await add_meeting(sessions, group)
    async with sessions.begin() as session:
        session.add(Paper(reference="2021/144", name="Sozialstrategie", paper_type="Beschluss"))
    await start_bot()
    admin, anna = api.user(500, "Martin"), api.user(501, "Anna")
    # A member sees the missing agenda; an administrator is offered the fix.
    [view] = await anna.send("/tagesordnung")
    assert "Eine Tagesordnung liegt noch nicht vor." in view.text
    assert "Tagesordnung anlegen" not in str([b.text for row in view.buttons for b in row])
    [view] = await admin.send("/tagesordnung")
    assert "Eine Tagesordnung liegt noch nicht vor." in view.text
    assert view.buttons[-1][0].text == "➕ Tagesordnung anlegen"
    await admin.press("➕ Tagesordnung anlegen")
    await admin.press("➕ Punkt hinzufügen")
    assert admin.last.text.startswith(
        "Neuer Punkt auf der Tagesordnung „Sitzung der Lenkungsgruppe“. Welche Nummer (TOP)?"
    )
    await admin.press("TOP 1")
    assert admin.last.text == "Titel von TOP 1?"
    await admin.send("Sozialstrategie: Beschlus")
    await admin.press("Nicht öffentlich")
    replies = await admin.send("2099/1")
    assert replies[-1].text == "Eine Vorlage 2099/1 gibt es nicht."
    await admin.send("2021/144")
    preview = admin.last.text
    assert preview.startswith("Neuer Punkt auf der Tagesordnung „Sitzung der Lenkungsgruppe“")
    assert "TOP 1 Sozialstrategie: Beschlus 🔒 · 📄 Vorlage 2021/144" in preview
    # One field fixed without starting over.
    await admin.press("✏️ Titel")
    assert admin.last.text == "Neuer Titel? Bisher: Sozialstrategie: Beschlus"
    await admin.send("Sozialstrategie: Beschluss")
    await admin.press("🔓 Öffentlich machen")
    assert "TOP 1 Sozialstrategie: Beschluss · 📄 Vorlage 2021/144" in admin.last.text
    assert await agenda(sessions, meeting.id) == []  # nothing before the confirmation
    replies = await admin.press("✅ Hinzufügen")
    assert any((m.text or "").startswith("✅ Hinzugefügt: TOP 1 Sozialstrategie") for m in replies)
    assert await agenda(sessions, meeting.id) == [
        ("1", "Sozialstrategie: Beschluss", True, "2021/144")
    ]
    note = await anna.wait_for(lambda m: "Tagesordnung" in (m.text or ""))
    assert "Sozialstrategie: Beschluss" in note.text

    # Correct the item: its number, then unlink the Vorlage; the changed fields are named.
    await admin.press("◀️ Zur Tagesordnung")
    await admin.press("✏️ 1")
    assert admin.last.text.endswith("Was möchten Sie ändern?")
    await admin.press("🔢 Nummer")
    assert admin.last.text == "Welche Nummer? Bisher: 1"
    await admin.send("3")
    await admin.press("✂️ 2021/144 lösen")
    preview = admin.last.text
    assert "TOP 3 Sozialstrategie: Beschluss\n" in preview
    assert "Geändert: Nummer, Vorlage." in preview
    await admin.press("✅ Speichern")
    assert await agenda(sessions, meeting.id) == [("3", "Sozialstrategie: Beschluss", True, None)]
    async with sessions() as session:
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert actions == ["edit_agenda", "edit_agenda"]


async def test_every_field_of_a_published_vorlage_corrected_from_vorlage_neu(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    group: dict[str, int],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True, department="dezernat-soziales")
    await add_member("Anna Beispiel", 501, faction="spd")
    async with sessions.begin() as session:
        paper = Paper(
            reference="2021/144",
            name="Sozialstrategie",
            paper_type="Antrag",
            proposal="Der Kreistag beschließt.",
        )
        session.add(paper)
    await start_bot()
    admin, anna = api.user(500, "Martin"), api.user(501, "Anna")
    replies = await anna.send("/vorlage_bearbeiten 2021/144")
    assert replies[-1].text == "Das dürfen nur Administratorinnen und Administratoren."
    # "gibt es schon" in /vorlage_neu offers the correction instead of a dead end.
    await admin.send("/vorlage_neu")
    [offer] = await admin.send("2021/144")
    assert offer.text.startswith("Die Vorlage 2021/144 gibt es schon.")
    await admin.press("✏️ 2021/144 bearbeiten")
    assert "Was möchten Sie ändern?" in admin.last.text
    assert [row[0].text for row in admin.last.buttons] == [
        "✏️ Titel", "✏️ Art", "📅 Datum", "🏛 Verfasser", "✏️ Beschlussvorschlag",
        "✏️ Sachverhalt", "✖️ Abbrechen",
    ]  # fmt: skip
    await admin.press("✏️ Titel")
    assert admin.last.text == "Neuer Titel? Bisher: Sozialstrategie"
    await admin.send("Sozialstrategie des Landkreises")
    await admin.press("✏️ Art")
    await admin.send("Beschlussvorlage")
    await admin.press("📅 Datum")
    replies = await admin.send("30.2.2021")
    assert replies[-1].text.startswith("Den 30.02.2021 gibt es nicht.")
    await admin.send("2.6.2021")
    await admin.press("🏛 Verfasser")
    await admin.press("Dezernat für Soziales")
    await admin.press("✏️ Sachverhalt")
    await admin.send("Der Landkreis braucht eine Strategie.\nSie gilt fünf Jahre.")
    await admin.press("✏️ Beschlussvorschlag")
    await admin.send("-")
    preview = admin.last.text
    assert "Sozialstrategie des Landkreises" in preview
    assert "Geändert: Titel, Art, Datum, Verfasser, Beschlussvorschlag, Sachverhalt." in preview
    async with sessions() as session:
        unchanged = await session.get(Paper, paper.id)
        assert unchanged is not None and unchanged.name == "Sozialstrategie"
    replies = await admin.press("✅ Speichern")
    assert any(
        (m.text or "").startswith("✅ Die Vorlage 2021/144 ist gespeichert.") for m in replies
    )
    async with sessions() as session:
        edited = await session.get(Paper, paper.id)
        assert edited is not None
        assert (edited.name, edited.paper_type, edited.proposal) == (
            "Sozialstrategie des Landkreises", "Beschlussvorlage", None,
        )  # fmt: skip
        assert edited.date is not None and edited.date.isoformat() == "2021-06-02"
        assert edited.summary == "Der Landkreis braucht eine Strategie.\nSie gilt fünf Jahre."
        assert edited.originator is not None and edited.originator.key == "dezernat-soziales"
    assert await audit_actions(sessions) == ["edit_paper"]
    notice = await anna.wait_for(lambda m: "Vorlage 2021/144 geändert" in (m.text or ""))
    assert "Titel" in notice.text

    # The Vorlage view offers administrators the same correction; members do not see it.
    [view] = await admin.send("/vorlage 2021/144")
    assert view.buttons[-1][0].text == "✏️ Vorlage bearbeiten"
    [view] = await anna.send("/vorlage 2021/144")
    assert not any("bearbeiten" in b.text for row in view.buttons for b in row)


async def test_members_are_refused_the_corrections_and_their_buttons(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    group: dict[str, int],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    meeting = await add_meeting(sessions, group)
    async with sessions.begin() as session:
        paper = Paper(reference="2021/144", name="Sozialstrategie", paper_type="Antrag")
        session.add(paper)
    await start_bot()
    anna = api.user(501, "Anna")
    admin_only = "Das dürfen nur Administratorinnen und Administratoren."
    for command in ("/termin_bearbeiten", "/vorlage_bearbeiten 2021/144"):
        replies = await anna.send(command)
        assert replies[-1].text == admin_only
    for data in (
        f"agde:add:{meeting.id}",
        "agde:ok",
        f"pedt:paper:{paper.id}",
        "pedt:ok",
        "madm:edit:title",
    ):
        await anna.press_data(1, data)
        assert anna.callback_answers[-1].text == admin_only, data
    # An administrator's old button of a finished dialogue does nothing.
    admin = api.user(500, "Martin")
    await admin.press_data(1, "pedt:ok")
    assert admin.callback_answers[-1].text == "Diese Schaltfläche ist nicht mehr gültig."
    async with sessions() as session:
        stored = await session.get(Paper, paper.id)
        assert stored is not None and stored.name == "Sozialstrategie"
    assert await audit_actions(sessions) == []


async def test_a_cancellation_with_a_reason_in_english_reaches_members_with_it(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    group: dict[str, int],
) -> None:
    await add_member("Emma Admin", 502, admin=True, language="en")
    await add_member("Anna Beispiel", 501, faction="spd")
    meeting = await add_meeting(sessions, group)
    await start_bot()
    emma, anna = api.user(502, "Emma", language_code="en"), api.user(501, "Anna")
    await emma.send("/termin_absagen")
    await emma.press("Sitzung der Lenkungsgruppe")
    assert emma.last.text.startswith("Why is the meeting cancelled?")
    assert emma.last.buttons[0][0].text == "Without a reason"
    await emma.send("Zu wenige Anmeldungen")
    assert "💬 Reason: Zu wenige Anmeldungen" in emma.last.text
    await emma.press("✅ Yes, cancel it")
    cancelled = await stored_meeting(sessions, meeting.id)
    assert cancelled.cancelled and cancelled.change_reason == "Zu wenige Anmeldungen"
    notice = await anna.wait_for(lambda m: "Termin abgesagt" in (m.text or ""))
    assert "💬 Grund: Zu wenige Anmeldungen" in notice.text
