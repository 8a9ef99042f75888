"""An administrator forwards a Vorlage document; the bot reads it, the administrator corrects a
field and publishes it; members are told and can fetch the document — end to end."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.localapi.models import ChatMessage
from storage.models import DocumentDraft, Person
from storage.queries.council import paper_by_reference
from tests.e2e.conftest import StartBot
from tests.services.reader_corpus import LANDRATSAMT, render_docx, render_pdf, render_scan_pdf

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
MARTIN, ANNA = 1001, 1003
NEW_TITLE = "Erweiterung der Gemeinschaftsunterkunft Singen"


def said(replies: list[ChatMessage], prefix: str) -> ChatMessage:
    for message in replies:
        if (message.text or "").startswith(prefix):
            return message
    raise AssertionError(f"no reply starting with {prefix!r}: {[m.text for m in replies]}")


async def drafts(sessions: Sessions) -> list[DocumentDraft]:
    async with sessions() as session:
        return list((await session.execute(select(DocumentDraft))).scalars())


async def test_admin_sends_a_pdf_corrects_a_field_publishes_and_members_get_it(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == ANNA).values(quiet_start=None)
        )
    pdf = render_pdf(LANDRATSAMT)
    await start_bot()
    martin, anna = api.user(MARTIN, "Martin"), api.user(ANNA, "Anna")

    replies = await martin.send_document("Vorlage 2022-037.pdf", pdf, mime_type="application/pdf")
    preview = said(replies, "📄 Gelesen aus „Vorlage 2022-037.pdf“").text
    for line in (
        "Drucksachen-Nr.: 2022/037",
        "Datum: 14. März 2022",
        "Art: Beschlussvorlage",
        "Verfasser: Amt für Migration und Integration",
        "Betreff: Unterbringung von Geflüchteten; Erweiterung der Gemeinschaftsunterkunft",
        "TOP: 3",
        "• Kreistag, 2. Mai 2022 (öffentlich) · keine Sitzung an dem Tag angelegt\n",
        "1. Der Ausschuss für Technik und Umwelt empfiehlt dem Kreistag",
        "• 7. Februar 2022, Kreistag, 2022/011",
        "Anlagen: keine",
    ):
        assert line in preview, line
    assert [len(drafted.fields) for drafted in await drafts(sessions)] == [11]

    await martin.press("✏️ Betreff")
    assert martin.last.text.startswith("Bitte senden Sie den richtigen Wert für Betreff")
    replies = await martin.send(NEW_TITLE)
    assert f"Betreff: {NEW_TITLE}" in said(replies, "📄 Gelesen aus").text
    async with sessions() as session:
        assert await paper_by_reference(session, reference="2022/037") is None  # not yet

    replies = await martin.press("✅ Veröffentlichen")
    said(replies, "✅ Vorlage 2022/037 ist veröffentlicht, das Dokument „Vorlage 2022-037.pdf“")
    assert await drafts(sessions) == []

    notice = await anna.wait_for(lambda message: "Neue Vorlage 2022/037" in (message.text or ""))
    assert NEW_TITLE in notice.text
    replies = await anna.press("Vorlage 2022-037.pdf")
    document = replies[-1].document
    assert document is not None and document.data == pdf

    async with sessions() as session:
        paper = await paper_by_reference(session, reference="2022/037")
        assert paper is not None
        assert (paper.name, paper.date, paper.agenda_item) == (NEW_TITLE, date(2022, 3, 14), "3")
        assert [c.organization.name for c in paper.consultations] == [
            "Ausschuss für Technik und Umwelt",
            "Kreistag",
        ]
        assert paper.history is not None and paper.history[0]["organization"] == "kreistag"
        assert paper.attachments == [] and len(paper.files) == 1

    # The same reference again: the preview offers to update, the notice lists the changes.
    replies = await martin.send_document("Vorlage 2022-037.docx", render_docx(LANDRATSAMT))
    assert "Die Vorlage 2022/037 gibt es schon" in said(replies, "📄 Gelesen aus").text
    replies = await martin.press("🔄 Aktualisieren")
    said(replies, "🔄 Vorlage 2022/037 ist aktualisiert")
    changed = await anna.wait_for(
        lambda message: "Vorlage 2022/037 geändert" in (message.text or "")
    )
    assert "Titel" in changed.text
    async with sessions() as session:
        paper = await paper_by_reference(session, reference="2022/037")
        assert paper is not None and len(paper.files) == 2
        assert paper.name == LANDRATSAMT.expected.title


async def test_bad_documents_get_one_sentence_and_nothing_is_stored(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    martin, anna = api.user(MARTIN, "Martin"), api.user(ANNA, "Anna")
    replies = await martin.send_document("scan.pdf", render_scan_pdf(), mime_type="application/pdf")
    assert replies[-1].text == (
        "Ich finde in diesem Dokument keinen Text – ist es ein Scan?\n"
        "Mit /vorlage_neu legen Sie die Vorlage von Hand an und hängen die Datei danach an."
    )
    replies = await martin.send_document("vorlage.pdf", b"MZ\x90\x00" + b"\x00" * 300)
    assert replies[-1].text == "Das ist ein Programm, kein Dokument – ich öffne es nicht."
    replies = await martin.send_document("leer.pdf", b"")
    assert replies[-1].text == "Die Datei ist leer – darin steht nichts, was ich lesen könnte."
    assert await drafts(sessions) == []
    # Text outside any correction is not taken as one (it is offered as a Rückfrage, as any
    # text outside a dialogue); a member may not send Vorlagen.
    replies = await martin.send("Hallo")
    assert replies[-1].text.startswith("✉️ Soll ich Ihre Nachricht als Rückfrage")
    assert await drafts(sessions) == []
    replies = await anna.send_document("vorlage.pdf", render_pdf(LANDRATSAMT))
    assert replies[-1].text == "Das dürfen nur Administratorinnen und Administratoren."
    await anna.press_data(1, "vread:pub")
    assert (
        anna.callback_answers[-1].text == "Das dürfen nur Administratorinnen und Administratoren."
    )
    replies = await martin.press_data(1, "vread:pub")
    assert martin.callback_answers[-1].text == (
        "Dieses Dokument ist nicht mehr in Bearbeitung; schicken Sie es bitte noch einmal."
    )


FUTURE_VORLAGE = """\
Vorlage - 2099/001
Betreff: Busverkehr im Hegau
Vorlage-Art: Informationsvorlage
Status: öffentlich
Beratungsfolge:
12.05.2099 Kreistag Kenntnisnahme
13.05.2099 Bauausschuss Nord Kenntnisnahme
Sachverhalt
Der Busverkehr wird neu geordnet.
""".encode()


async def test_a_missing_meeting_is_created_from_the_preview(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == ANNA).values(quiet_start=None)
        )
    await start_bot()
    martin, anna = api.user(MARTIN, "Martin"), api.user(ANNA, "Anna")
    replies = await martin.send_document("vorlage.txt", FUTURE_VORLAGE, mime_type="text/plain")
    preview = said(replies, "📄 Gelesen aus")
    assert "• Kreistag, 12. Mai 2099 (öffentlich) – Kenntnisnahme · keine Sitzung" in preview.text
    labels = [button.text for row in preview.buttons for button in row]
    assert "📅 Sitzung anlegen: Kreistag, 12. Mai 2099" in labels
    assert not any("Bauausschuss" in label for label in labels)  # a committee nobody knows

    await martin.press("📅 Sitzung anlegen: Kreistag, 12. Mai 2099")
    assert martin.last.text.startswith("Wann und wo tagt Kreistag am 12. Mai 2099?")
    replies = await martin.send("25:00 Kreishaus")
    assert "25:00" in replies[-1].text  # refused; the question stands
    replies = await martin.send("15:00 Kreishaus Konstanz")
    said(replies, "📅 Sitzung angelegt: Dienstag, 12. Mai 2099, 15:00 Uhr")
    assert "Kreistag, 12. Mai 2099 (öffentlich) – Kenntnisnahme · 📅 Sitzung ist angelegt" in (
        said(replies, "📄 Gelesen aus").text
    )
    await anna.wait_for(lambda message: "12. Mai 2099" in (message.text or ""))

    await martin.press("✅ Veröffentlichen")
    async with sessions() as session:
        paper = await paper_by_reference(session, reference="2099/001")
        assert paper is not None
        kreistag, bauausschuss = paper.consultations
        assert kreistag.meeting_id is not None and bauausschuss.meeting_id is None
        assert bauausschuss.organization.key == "bauausschuss-nord"  # created on publishing
