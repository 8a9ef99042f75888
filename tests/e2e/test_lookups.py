"""Members look things up on the phone: /termine, /tagesordnung, /vorlage, /suche, documents."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from storage.models import AgendaItem, File, Meeting, MeetingKind, Organization, Paper
from tests.e2e.conftest import StartBot

pytestmark = pytest.mark.usefixtures("imported")
ANNA = 1003


async def test_upcoming_meetings_are_paged_soonest_first(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/termine")
    text = replies[0].text
    assert text.startswith("Kommende Termine (1–5 von 6)")
    assert text.index("18. Februar 2027") < text.index("4. März 2027")
    assert "Lenkungsgruppe Sozialstrategie: " in text
    assert "nicht öffentlich" in text and "Landratsamt Konstanz" in text
    assert "2021" not in text.split("\n")[1:][0]
    await anna.press("Weiter")
    assert anna.last.text.startswith("Kommende Termine (6–6 von 6)")
    assert "12. April 2027" in anna.last.text
    await anna.press("Vergangene Termine")
    assert anna.last.text.startswith("Vergangene Termine (1–5 von 5)")
    replies = await anna.send("/termine alle")  # shows what it says: all of them
    assert replies[0].text.startswith("Alle Termine, neueste zuerst (1–5 von 11)")
    replies = await anna.send("/termine vergangen")
    assert replies[0].text.startswith("Vergangene Termine")


async def test_meeting_view_shows_the_agenda_and_links_papers(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    await anna.send("/termine")
    replies = await anna.press("📋 22.03.27")
    assert "Sitzung des Sozialausschusses" in replies[0].text
    assert "TOP 2 Vergabe der Prozessbegleitung" in replies[0].text
    await anna.press("📄 2027/012")
    assert "Vorlage 2027/012" in anna.last.text


async def test_agenda_of_the_next_session_and_by_date_or_committee(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/tagesordnung")
    assert "Lenkungsgruppe Sozialstrategie" in replies[0].text  # 18.02.2027, the next session
    replies = await anna.send("/tagesordnung 5.7.2021")
    text = replies[0].text
    assert "Montag, 5. Juli 2021, 14:00 Uhr" in text
    assert "TOP 3 Entwicklung einer Sozialstrategie für den Landkreis Konstanz" in text
    assert "Konstanz; Bildung einer Lenkungsgruppe · 📄 2021/144" in text
    replies = await anna.send("/tagesordnung kreistag")
    assert "Sitzung des Kreistags" in replies[0].text  # the committee named once
    assert "Kreistag: Sitzung" not in replies[0].text
    replies = await anna.send("/tagesordnung 1.1.2030")
    assert replies[0].text == "Am Dienstag, 1. Januar 2030, ist keine Sitzung."
    replies = await anna.send("/tagesordnung 30.02.2027")
    assert replies[0].text == "Den 30.02.2027 gibt es nicht."
    replies = await anna.send("/tagesordnung Bauausschuss")
    assert "weder ein Datum" in replies[0].text and "Sozialausschuss" in replies[0].text


async def test_paper_with_beratungsfolge_and_its_document(
    api: LocalBotApi, start_bot: StartBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    pdf = b"%PDF-1.4 Drucksache 2021/144"
    async with sessions.begin() as session:
        paper = await session.execute(select(Paper).where(Paper.reference == "2021/144"))
        session.add(
            File(
                paper_id=paper.unique().scalar_one().id,
                file_name="2021-144 Sozialstrategie.pdf",
                mime_type="application/pdf",
                size=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(),
                content=pdf,
                created_at=datetime.now(UTC),
            )
        )
    await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/vorlage 2021/144")
    text = "\n".join(reply.text for reply in replies)
    assert "Vorlage 2021/144" in text
    assert "Beschlussvorlage vom 2. Juni 2021" in text
    assert "Verfasser: Dezernat für Soziales und Gesundheit" in text
    assert "Sozialausschuss, Montag, 5. Juli 2021, 14:00 Uhr (öffentlich) – Vorberatung" in text
    # The deciding step is named once, not "Entscheidung, beschließend".
    assert "Kreistag, Montag, 26. Juli 2021, 15:00 Uhr (öffentlich) – Entscheidung\n" in text
    assert "1. Der Bildung einer Auftakt-Lenkungsgruppe" in text
    assert "2021/081" in text  # the history in the Sachverhalt
    replies = await anna.press("2021-144 Sozialstrategie.pdf")
    document = replies[-1].document
    assert document is not None and document.data == pdf
    replies = await anna.send("/vorlage 1999/1")
    assert replies[0].text.startswith("Eine Vorlage „1999/1“ habe ich nicht gefunden.")
    replies = await anna.send("/vorlage")
    assert "z. B. /vorlage 2021/144" in replies[0].text


async def test_search_finds_papers_and_agenda_items(api: LocalBotApi, start_bot: StartBot) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/suche prozessbegleitung")
    text = replies[0].text
    assert text.startswith("🔎 prozessbegleitung\n1–")
    assert "2027/012" in text and "TOP 2 Vergabe der Prozessbegleitung" in text
    replies = await anna.send("/suche Quantenphysik")
    assert replies[0].text == "Zu „Quantenphysik“ habe ich nichts gefunden."
    replies = await anna.send("/suche Sozialstrategie")
    assert "von" in replies[0].text
    await anna.press("Weiter")
    assert "\n9–" in anna.last.text


async def test_hostile_titles_are_escaped_and_long_agendas_split_at_items(
    api: LocalBotApi, start_bot: StartBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        committee = (
            await session.execute(select(Organization).where(Organization.key == "kreistag"))
        ).scalar_one()
        items = [
            AgendaItem(
                position=n,
                number=str(n + 1),
                name=f'Antrag <b>&</b> "Zitat" Nr. {n + 1}: ' + "Lange Begründung " * 12,
                public=n % 5 != 0,
            )
            for n in range(45)
        ]
        session.add(
            Meeting(
                key="kt-2030-01-15",
                organization=committee,
                kind=MeetingKind.SESSION,
                name="Haushaltssitzung <2030> & Co",
                start=datetime(2030, 1, 15, 14, 0, tzinfo=UTC),
                agenda_items=items,
            )
        )
    await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/tagesordnung 15.1.2030")
    assert len(replies) >= 2  # longer than one Telegram message
    text = "\n".join(reply.text for reply in replies)
    assert "Haushaltssitzung <2030> & Co" in text
    for n in range(1, 46):
        assert f'TOP {n} Antrag <b>&</b> "Zitat" Nr. {n}:' in text  # each item whole, once
    for reply in replies:
        assert len(reply.text) <= 4096
        assert reply.text.count("TOP ") == reply.html.count("<b>TOP ")
    assert " 🔒" in text and "🔒 nicht öffentlich" in text  # marked, and explained once
    assert "(nicht öffentlich)" not in text


async def test_search_takes_several_words_in_any_field_and_tolerates_case_and_umlauts(
    api: LocalBotApi, start_bot: StartBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        paper = (
            await session.execute(select(Paper).where(Paper.reference == "2027/012"))
        ).scalar_one()
        paper.summary = (paper.summary or "") + " Kinder- und Jugend\u00adhilfe, Ämter."
    await start_bot()
    anna = api.user(ANNA, "Anna")
    # Three words, 53 characters: all must match, each in some field of the same Vorlage.
    [found] = await anna.send("/suche Prozessbegleitung Sozialstrategie Beratungsunternehmen")
    assert found.text.startswith("🔎 Prozessbegleitung Sozialstrategie Beratungsunternehmen\n")
    assert "2027/012" in found.text
    # Meeting titles and places are searched too.
    [nord] = await anna.send("/suche Nord")
    assert "📅" in nord.text and "Sozialplanung Nord" in nord.text
    # Soft hyphen, ae for ä, any case.
    [umlaut] = await anna.send("/suche jugendhilfe AEMTER")
    assert "2027/012" in umlaut.text
    # Up to 200 characters; longer is refused with the limit named.
    [too_long] = await anna.send("/suche " + "x" * 201)
    assert "200" in too_long.text
    # A long search still pages (the text travels in the results message, not the button).
    long_text = " ".join(["Sozialstrategie"] * 12)  # 191 characters
    await anna.send("/suche " + long_text)
    [turned] = await anna.press("Weiter ▶️")
    assert turned.text.startswith(f"🔎 {long_text}\n9–")


async def test_vorlage_by_number_near_matches_and_the_latest_list(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    for typed in ("144", "2021-144", "2021/144", "21/144"):
        replies = await anna.send(f"/vorlage {typed}")
        assert replies[0].text.startswith("Vorlage 2021/144"), typed
    [near] = await anna.send("/vorlage Prozessbegleitung")
    assert near.text.startswith("Eine Vorlage „Prozessbegleitung“ gibt es nicht genau so.")
    assert any("2027/012" in b.text for row in near.buttons for b in row)
    [latest] = await anna.send("/vorlage")
    assert latest.text.startswith("Neueste Vorlagen")
    labels = [b.text for row in latest.buttons for b in row]
    assert labels and all(label.startswith("📄 ") for label in labels)
    replies = await anna.press(labels[0])
    assert replies[0].text.startswith("Vorlage ")
