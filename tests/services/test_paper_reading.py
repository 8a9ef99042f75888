"""The document draft of the chat flow: kept per chat in the database, corrected field by field."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import UserError
from bot.services import paper_reading as drafts
from bot.services.reader import Vorlage
from bot.views.paper_reading import preview_text
from storage.models import Person
from storage.queries.drafts import draft_of_chat
from tests.services.reader_corpus import RATSINFO

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CHAT = 4711


async def admin(session: AsyncSession, *, is_admin: bool = True) -> Person:
    person = Person(name="Dr. Martin Muster", is_admin=is_admin, telegram_user_id=CHAT)
    session.add(person)
    await session.flush()
    return person


async def test_a_draft_is_a_row_of_plain_values_and_takes_one_correction(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as session:
        person = await admin(session)
        view = await drafts.start_draft(
            session,
            actor=person,
            chat_id=CHAT,
            vorlage=RATSINFO.expected,
            file_id="file-1",
            file_name="v.docx",
            mime_type="application/octet-stream",
            now=NOW,
            tz=UTC,
        )
        assert view.fields["reference"] == "2026/204" and not view.exists
    async with sessions.begin() as session:
        person = await session.get(Person, person.id)
        assert person is not None
        draft = await drafts.current_draft(session, actor=person, chat_id=CHAT, now=NOW)
        assert drafts.ask_for(draft, "prop", NOW) == "proposal_points"
    async with sessions.begin() as session:
        waiting = await drafts.awaiting_draft(session, actor=person, chat_id=CHAT, now=NOW)
        assert waiting is not None
        drafts.correct(waiting, "1. Erstens\nweiter\n2. Zweitens", NOW)
    async with sessions() as session:
        stored = await draft_of_chat(session, chat_id=CHAT)
        assert stored is not None and stored.awaiting is None
        read = drafts.vorlage_of(stored)
    assert read.proposal == "1. Erstens weiter\n2. Zweitens"
    assert read.consultations == RATSINFO.expected.consultations  # the rest as read


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("date", "3.3.2026", "2026-03-03"),
        ("reference", " 2026/112/2 ", "2026/112/2"),
        ("title", "  Neuer   Titel ", "Neuer Titel"),
        ("attachments", "Plan; Karte", ["Plan", "Karte"]),
        ("attachments", "keine", []),
        ("agenda_item", "-", None),
        ("proposal_points", "Dem wird zugestimmt.", ["Dem wird zugestimmt."]),
        (
            "consultations",
            "11.04.2022 Ausschuss für Technik und Umwelt nichtöffentlich vorberatung\n"
            "2.5.2022 Kreistag",
            [
                {
                    "organization": "Ausschuss für Technik und Umwelt",
                    "date": "2022-04-11",
                    "public": False,
                    "role": "Vorberatung",
                },
                {"organization": "Kreistag", "date": "2022-05-02", "public": None, "role": None},
            ],
        ),
        (
            "history",
            "7. Februar 2022, Kreistag, Drucksache 2022/011",
            [{"date": "2022-02-07", "organization": "Kreistag", "reference": "2022/011"}],
        ),
    ],
)
def test_typed_values(field: str, text: str, value: object) -> None:
    assert drafts.parse_field(field, text) == value


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("date", "30.02.2026"),
        ("reference", "2026 1"),
        ("consultations", "Kreistag 2.5.2022"),
        ("consultations", "2.5.2022 öffentlich"),
        ("history", "Am 7. Februar 2022 im Kreistag"),
    ],
)
def test_bad_typed_values_are_refused(field: str, text: str) -> None:
    with pytest.raises(UserError):
        drafts.parse_field(field, text)


async def test_an_expired_draft_is_gone(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        person = await admin(session)
        await drafts.start_draft(
            session,
            actor=person,
            chat_id=CHAT,
            vorlage=Vorlage(),
            file_id="f",
            file_name="x.pdf",
            mime_type="application/pdf",
            now=NOW,
            tz=UTC,
        )
    later = NOW + drafts.DRAFT_LIFETIME + timedelta(seconds=1)
    async with sessions.begin() as session:
        person = await session.get(Person, person.id)
        assert person is not None
        with pytest.raises(UserError) as refused:
            await drafts.current_draft(session, actor=person, chat_id=CHAT, now=later)
        assert refused.value.key == "paper_reading.no_draft"
        assert await draft_of_chat(session, chat_id=CHAT) is None  # removed when found expired


def test_the_preview_marks_every_missing_field() -> None:
    text = preview_text(Vorlage().to_plain(), file_name="x.pdf", exists=False, language="de")
    assert text.count("❓ <i>nicht gefunden</i>") == 11
    full = preview_text(
        RATSINFO.expected.to_plain(), file_name="<x>.pdf", exists=True, language="de"
    )
    assert "„&lt;x&gt;.pdf“" in full
    assert "• Jugendhilfeausschuss, 9. November 2026 (öffentlich) – Kenntnisnahme" in full
    assert full.count("nicht gefunden") == 3  # TOP, Beschlussvorschlag, Historie
    assert "Die Vorlage 2026/204 gibt es schon" in full


@pytest.mark.parametrize(
    ("text", "clock", "place"),
    [
        ("14:00 Landratsamt, Raum 214", time(14, 0), "Landratsamt, Raum 214"),
        ("14 Uhr, Kreishaus", time(14, 0), "Kreishaus"),
        ("9.30", time(9, 30), None),
    ],
)
def test_time_and_place_of_a_meeting(text: str, clock: time, place: str | None) -> None:
    assert drafts.time_and_place(text) == (clock, place)
