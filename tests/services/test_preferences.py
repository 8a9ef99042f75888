"""A member's notice settings: only the offered choices, stored as chosen, shown as stored."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import UserError
from bot.services.preferences import (
    set_notices,
    set_quiet_hours,
    set_reminder_lead,
)
from bot.views.preferences import leads_screen, main_screen, quiet_screen
from storage.models import Person

Sessions = async_sessionmaker[AsyncSession]


async def _person(sessions: Sessions) -> Person:
    async with sessions.begin() as session:
        person = Person(name="Anna Beispiel", telegram_user_id=501)
        session.add(person)
    return person


async def _stored(sessions: Sessions, person: Person) -> Person:
    async with sessions() as session:
        found = await session.get(Person, person.id)
        assert found is not None
        return found


async def test_choices_are_stored_and_shown(sessions: Sessions) -> None:
    person = await _person(sessions)
    text, rows = main_screen(await _stored(sessions, person), "de")
    assert "📄 Neue Vorlagen: an" in text
    assert "am Vortag um 18:00, 2 Stunden vorher" in text
    assert "🌙 Ruhezeit: 22:00–07:00" in text
    assert rows[0] == [("🔕 Vorlagen ausschalten", "set:pap:0")]

    async with sessions.begin() as session:
        await set_notices(session, person=person, kind="papers", enabled=False)
        await set_reminder_lead(session, person=person, lead=60, enabled=True)
        await set_reminder_lead(session, person=person, lead=120, enabled=False)
        await set_reminder_lead(session, person=person, lead=60, enabled=True)  # pressed twice
        await set_quiet_hours(session, person=person, preset="21-8")
    stored = await _stored(sessions, person)
    assert stored.notify_papers is False and stored.notify_meetings is True
    assert stored.reminder_minutes == [-1080, 60]
    assert (stored.quiet_start, stored.quiet_end) == (time(21, 0), time(8, 0))

    text, rows = main_screen(stored, "en")
    assert "📄 New proposals: off" in text and "the day before at 18:00, 1 hour before" in text
    assert rows[0] == [("🔔 Switch proposals on", "set:pap:1")]
    _, rows = leads_screen(stored, "de")
    assert [row[0] for row in rows[:4]] == [
        ("✅ am Vortag um 18:00", "set:lead:-1080:0"),
        ("▫️ 2 Stunden vorher", "set:lead:120:1"),
        ("✅ 1 Stunde vorher", "set:lead:60:0"),
        ("▫️ 30 Minuten vorher", "set:lead:30:1"),
    ]
    _, rows = quiet_screen(stored, "de")
    assert ("✅ 21:00–08:00", "set:quiet:21-8") in [row[0] for row in rows]

    async with sessions.begin() as session:
        await set_quiet_hours(session, person=person, preset="off")
    stored = await _stored(sessions, person)
    assert (stored.quiet_start, stored.quiet_end) == (None, None)
    assert "🌙 Ruhezeit: keine" in main_screen(stored, "de")[0]


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "attendance", "enabled": False},
        {"lead": 999, "enabled": True},
        {"preset": "3-4"},
    ],
)
async def test_anything_but_the_offered_choices_is_refused(
    sessions: Sessions, change: dict[str, object]
) -> None:
    person = await _person(sessions)
    with pytest.raises(UserError) as refused:
        async with sessions.begin() as session:
            if "kind" in change:
                await set_notices(session, person=person, **change)  # type: ignore[arg-type]
            elif "lead" in change:
                await set_reminder_lead(session, person=person, **change)  # type: ignore[arg-type]
            else:
                await set_quiet_hours(session, person=person, **change)  # type: ignore[arg-type]
    assert refused.value.render("de") == "Diese Auswahl gibt es nicht."
    stored = await _stored(sessions, person)
    assert stored.notify_papers and stored.reminder_minutes is None
    assert stored.quiet_start == time(22, 0)
