"""Administrators publish a paper and attach its document in the chat — end to end."""

from __future__ import annotations

import hashlib
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import undefer

from bot.cli.common import strip_html
from bot.localapi import LocalBotApi
from bot.localapi.models import ChatMessage
from bot.views.audit import entry_text
from storage.models import AuditEntry, File, Organization, OrganizationKind, Paper
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot

Sessions = async_sessionmaker[AsyncSession]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer\n%%EOF\n"
ADMIN_ONLY = "Das dürfen nur Administratorinnen und Administratoren."


def said(replies: list[ChatMessage], prefix: str) -> ChatMessage:
    """The bot's answer among `replies` that starts with `prefix` (the notice to members about
    the change may arrive beside it: the administrator is a member too)."""
    for message in replies:
        if (message.text or "").startswith(prefix):
            return message
    raise AssertionError(f"no reply starting with {prefix!r}: {[m.text for m in replies]}")


PROPOSAL = (
    "1. Der Bildung einer Auftakt-Lenkungsgruppe wird zugestimmt.\n"
    "2. Die Verwaltung wird beauftragt, eine Beratungsfirma auszuwählen."
)


@pytest.fixture
async def department(sessions: Sessions, group: dict[str, int]) -> int:
    async with sessions.begin() as session:
        organization = Organization(
            key="dezernat-soziales",
            name="Dezernat für Soziales und Gesundheit",
            kind=OrganizationKind.DEPARTMENT,
        )
        session.add(organization)
    return organization.id


async def papers(sessions: Sessions) -> list[Paper]:
    async with sessions() as session:
        return list((await session.execute(select(Paper).order_by(Paper.id))).unique().scalars())


async def files(sessions: Sessions) -> list[File]:
    async with sessions() as session:
        query = select(File).options(undefer(File.content)).order_by(File.id)
        return list((await session.execute(query)).scalars())


async def audit_details(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        entries = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()
        # As the Änderungsverlauf shows them, in English.
        return [
            f"{entry.action}: {strip_html(entry_text(entry, 'en', ZoneInfo('Europe/Berlin')))}"
            for entry in entries
        ]


async def test_admin_publishes_a_paper_and_attaches_its_pdf(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    department: int,
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/vorlage_neu")
    assert admin.last.text.startswith("Welche Drucksachen-Nr. hat die Vorlage?")
    replies = await admin.send("2021 144")
    assert replies[-1].text.startswith("„2021 144“ ist keine gültige Drucksachen-Nr.")
    await admin.send("2021/144")
    assert admin.last.text == "Titel der Vorlage 2021/144?"
    await admin.send(
        "Entwicklung einer Sozialstrategie für den Landkreis Konstanz; <Lenkungsgruppe>"
    )
    assert [row[0].text for row in admin.last.buttons] == [
        "Beschlussvorlage", "Informationsvorlage", "Antrag", "Drucksache", "✖️ Abbrechen",
    ]  # fmt: skip
    await admin.press_data(admin.last.message_id, "padm:type:gutachten")
    assert admin.callback_answers[-1].text == "Diese Schaltfläche ist nicht mehr gültig."
    await admin.press("Beschlussvorlage")
    assert admin.last.text.startswith("Datum der Vorlage?")
    replies = await admin.send("30.02.2021")
    assert replies[-1].text == "Den 30.02.2021 gibt es nicht."
    await admin.send("2.6.2021")
    await admin.press("Dezernat für Soziales und Gesundheit")
    assert admin.last.text.startswith("Beschlussvorschlag?")
    await admin.send(PROPOSAL)
    preview = admin.last.text
    assert preview.startswith("Vorschau – so sehen es die Mitglieder:")
    assert "Vorlage 2021/144" in preview and "<Lenkungsgruppe>" in preview
    assert "Dezernat für Soziales und Gesundheit" in preview
    assert PROPOSAL in preview and preview.endswith("Veröffentlichen?")
    assert await papers(sessions) == []
    replies = await admin.press("✅ Veröffentlichen")
    published = said(replies, "✅ Die Vorlage 2021/144 ist veröffentlicht.")
    assert "PDF- oder Word-Dokument" in (published.text or "")

    replies = await admin.send_document("notizen.txt", b"hello", mime_type="text/plain")
    said(replies, "„notizen.txt“ ist weder ein PDF- noch ein Word-Dokument.")
    replies = await admin.send_document("falsch.pdf", b"<html>", mime_type="application/pdf")
    said(replies, "„falsch.pdf“ ist kein gültiges PDF-Dokument")
    replies = await admin.send("Hier ist es")
    said(replies, "Bitte senden Sie das Dokument als Datei")
    replies = await admin.send_document("Vorlage 2021-144.pdf", PDF, mime_type="application/pdf")
    said(replies, "📎 „Vorlage 2021-144.pdf“ ist an die Vorlage 2021/144 angehängt.")
    replies = await admin.send("/fertig")
    said(replies, "Fertig. Die Vorlage 2021/144 ist veröffentlicht, Anlagen: 1.")

    [paper] = await papers(sessions)
    assert (
        paper.name
        == "Entwicklung einer Sozialstrategie für den Landkreis Konstanz; <Lenkungsgruppe>"
    )
    assert (paper.paper_type, paper.date, paper.proposal) == (
        "Beschlussvorlage", date(2021, 6, 2), PROPOSAL,
    )  # fmt: skip
    assert paper.originator is not None and paper.originator.key == "dezernat-soziales"
    [stored] = await files(sessions)
    assert (stored.paper_id, stored.file_name, stored.mime_type) == (
        paper.id, "Vorlage 2021-144.pdf", "application/pdf",
    )  # fmt: skip
    assert stored.content == PDF and stored.size == len(PDF)
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    assert await audit_details(sessions) == [
        "publish_paper: published the proposal 2021/144 (Entwicklung einer "
        "Sozialstrategie für den Landkreis Konstanz; <Lenkungsgruppe>)",
        "attach_file: attached “Vorlage 2021-144.pdf” to the proposal 2021/144",
    ]


async def test_a_reference_in_use_is_refused_and_aborting_stores_nothing(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    department: int,
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    async with sessions.begin() as session:
        session.add(Paper(reference="2021/144", name="Sozialstrategie", paper_type="Antrag"))
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/vorlage_neu")
    replies = await admin.send("2021/144")
    assert replies[-1].text.startswith("Die Vorlage 2021/144 gibt es schon.")
    assert replies[-1].buttons[0][0].text == "✏️ 2021/144 bearbeiten"  # not a dead end
    await admin.send("2021/145")
    await admin.send("Bericht")
    await admin.press("Informationsvorlage")
    await admin.press("Heute")
    await admin.press("Kein Verwaltungsbereich")
    await admin.send("-")
    assert "Informationsvorlage" in admin.last.text and "Veröffentlichen?" in admin.last.text
    await admin.press("✖️ Abbrechen")
    assert admin.last.text == "Abgebrochen. Es wurde nichts gespeichert."
    await admin.send("/vorlage_neu")
    await admin.send("2021/146")
    replies = await admin.send("/abbrechen")
    assert replies[-1].text == "Abgebrochen. Es wurde nichts gespeichert."
    assert [paper.reference for paper in await papers(sessions)] == ["2021/144"]

    # Attaching to an existing paper; a stale dialogue does not take the file.
    await admin.send("/vorlage_anlage 2021/999")
    assert admin.last.text == "Eine Vorlage mit der Drucksachen-Nr. „2021/999“ gibt es nicht."
    await admin.send("/vorlage_anlage 2021/144")
    assert admin.last.text.startswith("Senden Sie jetzt das PDF- oder Word-Dokument")
    word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    replies = await admin.send_document("Antrag.doc", word)
    said(replies, "📎 „Antrag.doc“ ist an die Vorlage 2021/144 angehängt")
    replies = await admin.send_document("Antrag.doc", word)
    said(replies, "„Antrag.doc“ ist an die Vorlage 2021/144 schon angehängt.")
    replies = await admin.send("/abbrechen")
    said(replies, "Fertig. Die Vorlage 2021/144 ist veröffentlicht, Anlagen: 1.")
    [stored] = await files(sessions)
    assert (stored.file_name, stored.mime_type, stored.content) == (
        "Antrag.doc", "application/msword", word,
    )  # fmt: skip


async def test_a_dialogue_left_open_does_not_take_input_meant_for_a_newer_one(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    department: int,
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/termin_neu")
    await admin.press("Sitzung")
    await admin.press("Lenkungsgruppe Sozialstrategie")  # the meeting dialogue waits for a title
    await admin.send("/vorlage_neu")
    await admin.send("2021/150")
    assert admin.last.text == "Titel der Vorlage 2021/150?"
    replies = await admin.send("/abbrechen")
    assert replies[-1].text == "Abgebrochen. Es wurde nichts gespeichert."
    # The meeting dialogue's old ✖️ button tells that it ended.
    await admin.press_data(admin.last.message_id, "madm:abort")
    assert admin.last.text.startswith("Dieser Dialog ist beendet, weil Sie einen neuen begonnen")
    assert await papers(sessions) == []


async def test_members_are_refused_and_change_nothing(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    department: int,
) -> None:
    await add_member("Bernd Verwaltung", 500, admin=True)
    await add_member("Anna Beispiel", 501, faction="spd")
    async with sessions.begin() as session:
        session.add(Paper(reference="2021/144", name="Sozialstrategie", paper_type="Antrag"))
    await start_bot()
    anna = api.user(501, "Anna")
    for command in ("/vorlage_neu", "/vorlage_anlage 2021/144"):
        replies = await anna.send(command)
        assert replies[-1].text == ADMIN_ONLY
    replies = await anna.send_document("Vorlage.pdf", PDF, mime_type="application/pdf")
    assert "angehängt" not in replies[-1].text
    for data in ("padm:ok", "padm:type:antrag", "padm:orig:-", "padm:abort"):
        await anna.press_data(1, data)
        assert anna.callback_answers[-1].text == ADMIN_ONLY
    assert [paper.reference for paper in await papers(sessions)] == ["2021/144"]
    assert await files(sessions) == []
    assert await audit_details(sessions) == []
