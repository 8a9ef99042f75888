"""`gremienbot audit`: the Änderungsverlauf in GREMIENBOT_LANGUAGE, an audience in words."""

from __future__ import annotations

import asyncio

from click.testing import CliRunner
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.services.broadcast import AudienceChoice, create_broadcast
from tests.notice_samples import NOW, prepare, settings


async def test_audit_names_the_faction_a_broadcast_went_to(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await prepare(sessions)
    async with sessions.begin() as session:
        await create_broadcast(
            session,
            actor=None,
            body="An die SPD",
            choice=AudienceChoice.parse("faction:spd"),
            settings=settings(),
            now=NOW,
        )
    env = {
        "GREMIENBOT_DATABASE_URL": database_url,
        "GREMIENBOT_TIMEZONE": "Europe/Berlin",
        "GREMIENBOT_LANGUAGE": "en",
    }
    result = await asyncio.to_thread(CliRunner().invoke, main, ["audit"], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "command line: sent a broadcast to the faction “SPD-Fraktion” (1 chats): “An die SPD”"
        in result.output
    )
