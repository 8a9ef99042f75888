"""The Änderungsverlauf names a broadcast's audience in words, a faction by the name it has now
(bot.services.audit_history with bot.views.audit), never by its stored code."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.common import strip_html
from bot.services.audit_history import audit_history
from bot.services.broadcast import AudienceChoice, create_broadcast
from bot.views.audit import history_text
from storage.models import Organization, Person
from storage.queries import audit
from tests.notice_samples import BERLIN, CARLA, NOW, prepare, settings

Sessions = async_sessionmaker[AsyncSession]


async def _broadcast(sessions: Sessions, audience: str, body: str) -> None:
    async with sessions.begin() as session:
        carla = (
            (await session.execute(select(Person).where(Person.telegram_user_id == CARLA)))
            .unique()
            .scalar_one()
        )
        await create_broadcast(
            session,
            actor=carla,
            body=body,
            choice=AudienceChoice.parse(audience),
            settings=settings(),
            now=NOW,
        )


async def _shown(sessions: Sessions, language: str) -> list[str]:
    async with sessions() as session:
        history = await audit_history(session, limit=10)
    lines = [strip_html(line) for line in history_text(history, language, BERLIN)[1:]]
    return [line for line in lines if "Rundschreiben" in line or "broadcast" in line]


async def test_broadcast_audiences_read_as_words_in_each_language(sessions: Sessions) -> None:
    await prepare(sessions)
    await _broadcast(sessions, "everyone", "An alle")
    await _broadcast(sessions, "faction:spd", "An die SPD")
    await _broadcast(sessions, "speakers", "An die Sprecher")
    await _broadcast(sessions, "group", "An die Gruppe")
    async with sessions.begin() as session:  # the faction renamed since: its name now
        await session.execute(
            update(Organization).where(Organization.key == "spd").values(name="Fraktion der SPD")
        )

    german = await _shown(sessions, "de")
    assert [line.split(" – ", 1)[1] for line in german] == [
        "Carla Controlling: hat ein Rundschreiben an die verbundene Gruppe geschickt (1 Chats): "
        "„An die Gruppe“",
        "Carla Controlling: hat ein Rundschreiben an die Sprecherinnen und Sprecher der "
        "Fraktionen geschickt (2 Chats): „An die Sprecher“",
        "Carla Controlling: hat ein Rundschreiben an die Fraktion „Fraktion der SPD“ geschickt "
        "(1 Chats): „An die SPD“",
        "Carla Controlling: hat ein Rundschreiben an alle Mitglieder geschickt (2 Chats): "
        "„An alle“",
    ]
    english = await _shown(sessions, "en")
    assert "sent a broadcast to the faction “Fraktion der SPD” (1 chats)" in english[2]
    assert "sent a broadcast to all members (2 chats)" in english[3]
    assert not any("faction:" in line or "everyone" in line for line in german + english)


async def test_a_faction_that_is_gone_or_an_unknown_audience_is_shown_as_stored(
    sessions: Sessions,
) -> None:
    await prepare(sessions)
    async with sessions.begin() as session:
        for stored in ("faction:afd", "partners"):
            await audit.record(
                session,
                actor=None,
                action="broadcast",
                subject="Alt",
                data={"audience": stored, "chats": 1},
                at=NOW,
            )
    german = await _shown(sessions, "de")
    assert "hat ein Rundschreiben an partners geschickt (1 Chats)" in german[0]
    assert "hat ein Rundschreiben an die Fraktion „afd“ geschickt (1 Chats)" in german[1]
