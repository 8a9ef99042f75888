"""Rückfragen end to end (issue 12, points 2 and 3): text typed after a broadcast without the
reply gesture reaches the administration with one tap; the administration answers with the
"Antworten" button or a reply gesture, and the answer arrives as a reply to the question."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.localapi.driver import UserDriver
from storage.models import AuditEntry, Person, Question
from tests.e2e.conftest import StartBot

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
MARTIN, CARLA, ANNA, BERND = 1001, 1002, 1003, 1004


async def _broadcast_to_spd(martin: UserDriver) -> None:
    await martin.send("/rundschreiben")
    await martin.send("Die Präsentationen beginnen um 14 Uhr.")
    await martin.press("Ohne Anhang")
    await martin.press("Eine Fraktion")
    await martin.press("SPD-Fraktion")
    await martin.press("Jetzt senden")
    await martin.wait_for(lambda message: message.text.startswith("✅ Zugestellt: 1 von 1."))


async def test_typed_text_after_a_broadcast_becomes_a_question_and_the_answer_replies_to_it(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    martin, carla, anna = api.user(MARTIN, "Martin"), api.user(CARLA, "Carla"), api.user(ANNA, "A")
    await _broadcast_to_spd(martin)

    # Typed without the reply gesture: not "not understood", but an offer with one tap.
    [offer] = await anna.send("Gibt es Parkplätze am Landratsamt?")
    assert offer.text.startswith("✉️ Soll ich Ihre Nachricht als Rückfrage an die Verwaltung")
    assert "„Die Präsentationen beginnen um 14 Uhr.“" in offer.text
    async with sessions() as session:
        [draft] = (await session.execute(select(Question))).scalars().all()
    assert (draft.status, draft.text) == ("draft", "Gibt es Parkplätze am Landratsamt?")
    assert draft.announcement_id is not None

    [sent] = await anna.press("✉️ Als Rückfrage senden")
    assert sent.text == (
        "✅ Ihre Rückfrage ist angekommen. Ich habe sie an Dr. Martin Muster weitergeleitet."
    )
    forwarded = await martin.wait_for(lambda message: message.text.startswith("💬 Rückfrage"))
    assert forwarded.text.startswith("💬 Rückfrage von Anna Beispiel (SPD-Fraktion)")
    assert forwarded.text.endswith("Gibt es Parkplätze am Landratsamt?")
    assert carla.messages == []

    # The administrator presses "Antworten" and types the answer.
    [prompt] = await martin.press("↩️ Antworten")
    assert prompt.text.startswith("Schreiben Sie jetzt Ihre Antwort an Anna Beispiel.")
    [done] = await martin.send("Ja, im Hof des Landratsamts.")
    assert done.text == "✅ Ihre Antwort an Anna Beispiel ist unterwegs."
    answer = await anna.wait_for(lambda message: message.text.startswith("💬 Antwort"))
    assert answer.text == (
        "💬 Antwort der Verwaltung (Dr. Martin Muster):\n\nJa, im Hof des Landratsamts."
    )
    assert answer.reply_to is not None and answer.reply_to.text == draft.text

    # A later text of the administrator is no answer any more: it is his own draft.
    [own] = await martin.send("Notiz an mich")
    assert own.text.startswith("✉️ Soll ich Ihre Nachricht")

    async with sessions() as session:
        question = await session.get(Question, draft.id)
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert question is not None
    assert (question.status, question.answer) == ("answered", "Ja, im Hof des Landratsamts.")
    assert "question_answered" in actions


async def test_a_reply_gesture_on_the_forwarded_question_answers_it(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    martin, anna = api.user(MARTIN, "Martin"), api.user(ANNA, "Anna")
    await _broadcast_to_spd(martin)
    [delivered] = anna.messages
    [thanks] = await anna.reply(delivered, "Wie lange dauert es?")
    assert thanks.text.startswith("✅ Ihre Rückfrage ist angekommen.")
    forwarded = await martin.wait_for(lambda message: message.text.startswith("💬 Rückfrage"))
    [done] = await martin.reply(forwarded, "Etwa zwei Stunden.")
    assert done.text == "✅ Ihre Antwort an Anna Beispiel ist unterwegs."
    answer = await anna.wait_for(lambda message: message.text.startswith("💬 Antwort"))
    assert answer.reply_to is not None and answer.reply_to.text == "Wie lange dauert es?"


async def test_questions_are_shown_in_my_data_and_erased_on_leaving(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    await anna.send("Eine Frage ohne Rundschreiben")
    [summary, _] = await anna.send("/meine_daten")
    assert "Rückfragen: 1" in summary.text
    assert "(@" not in summary.text  # no username: no "(@–)"
    await anna.send("/austreten")
    await anna.press("Ja, austreten")
    async with sessions() as session:
        remaining = (await session.execute(select(Question))).scalars().all()
        erased = (
            (await session.execute(select(Person).where(Person.name == "Ehemaliges Mitglied")))
            .scalars()
            .all()
        )
    assert remaining == [] and len(erased) == 1
