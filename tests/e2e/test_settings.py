"""/einstellungen end to end: the screen, its buttons, what is stored, and that it counts."""

from __future__ import annotations

from datetime import time

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.services.importer import import_yaml
from bot.services.notices import change_notifier
from storage.models import Person
from tests.e2e.conftest import EXAMPLE, StartBot
from tests.e2e.test_notices import BERLIN
from tests.services.delivery.support import received, wait_until_settled

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
ANNA, BERND = 1003, 1004


async def stored(sessions: Sessions, telegram_id: int) -> Person:
    async with sessions() as session:
        query = select(Person).where(Person.telegram_user_id == telegram_id)
        return (await session.execute(query)).unique().scalar_one()


async def test_a_member_chooses_and_the_choice_counts(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    running = await start_bot()
    anna, bernd = api.user(ANNA, "Anna"), api.user(BERND, "Bernd", language_code="en")
    [screen] = await anna.send("/einstellungen")
    assert screen.text.startswith("⚙️ Einstellungen\n\n📄 Neue Vorlagen: an")
    assert "Rundschreiben der Verwaltung erhalten Sie immer" in screen.text

    await anna.press("Vorlagen ausschalten")
    assert "📄 Neue Vorlagen: aus" in anna.last.text and anna.last is screen  # edited in place
    await anna.press("Erinnerungszeiten")
    await anna.press("30 Minuten vorher")
    await anna.press("2 Stunden vorher")
    assert anna.last.find_button("✅ 30 Minuten vorher") is not None
    await anna.press("« Zurück")
    assert "am Vortag um 18:00, 30 Minuten vorher" in anna.last.text
    await anna.press("Ruhezeit")
    await anna.press("23:00–06:00")
    assert anna.last.text.startswith("🌙 Ruhezeit: 23:00–06:00")
    await anna.press_data(screen.message_id, "set:lead:45:1")  # forged
    assert anna.callback_answers[-1].text == "Diese Auswahl gibt es nicht."

    person = await stored(sessions, ANNA)
    assert person.notify_papers is False and person.notify_meetings is True
    assert person.reminder_minutes == [-1080, 30]
    assert (person.quiet_start, person.quiet_end) == (time(23, 0), time(6, 0))

    await bernd.send("/sprache")
    await bernd.press("English")
    [english] = await bernd.send("/einstellungen")
    assert english.text.startswith("⚙️ Settings\n\n📄 New proposals: on")

    # A new paper: Bernd hears of it, Anna (proposals off) does not.
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["papers"].append({"reference": "2027/030", "name": "Neue Vorlage", "paper_type": "Antrag"})
    await import_yaml(
        sessions,
        text=yaml.safe_dump(data, allow_unicode=True),
        source="x.yaml",
        tz=BERLIN,
        group_key="lenkungsgruppe",
        notifier=change_notifier(running.settings),
    )
    await wait_until_settled(sessions)
    await api.settle()
    assert received(api, BERND)[-1].text.startswith("📄 New proposal 2027/030")
    assert not any("2027/030" in (message.text or "") for message in received(api, ANNA))
