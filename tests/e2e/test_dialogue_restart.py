"""Dialogues survive a restart: the state and draft are in the database, not in the process.

Phase one runs the bot as `gremienbot run` in a process of its own and stops it in the middle
of a dialogue, once cleanly (SIGTERM) and once on the spot (SIGKILL); phase two starts the bot
again and sends the next step, which goes on from where the dialogue was.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from storage.models import Announcement, Invite
from tests.e2e.conftest import StartBot
from tests.e2e.dialogue_support import bot_process, stop_process, stored_state

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
MARTIN, ANNA = 1001, 1003
LINK = re.compile(r"https://t\.me/gremienbot_test_bot\?start=([A-Za-z0-9_-]{1,64})")
STOPS = [pytest.param(signal.SIGTERM, id="sigterm"), pytest.param(signal.SIGKILL, id="sigkill")]


@pytest.mark.parametrize("how", STOPS)
async def test_an_invitation_goes_on_after_a_restart(
    api: LocalBotApi,
    start_bot: StartBot,
    sessions: Sessions,
    database_url: str,
    tmp_path: Path,
    how: signal.Signals,
) -> None:
    martin = api.user(MARTIN, "Martin")
    async with bot_process(api, database_url, tmp_path) as process:
        await martin.send("/einladen", wait=False)
        await martin.wait_for(lambda m: "Wen möchten Sie einladen" in m.text, timeout=30)
        await martin.send("Clara Neu", wait=False)
        await martin.wait_for(lambda m: "Zu welcher Fraktion gehört Clara Neu?" in m.text)
        # Stored before the answer went out: the faction step.
        assert await stored_state(sessions, MARTIN) == ("invitation", 1)
        await stop_process(process, how)

    await start_bot()
    await martin.press("SPD-Fraktion")
    assert "Clara Neu" in martin.last.text
    await martin.send("Sprecherin")
    await martin.press("Nein")
    assert "Fraktion: SPD-Fraktion" in martin.last.text
    await martin.press("Einladung anlegen")
    assert LINK.search(martin.last.text), martin.describe()
    async with sessions() as session:
        invite = (await session.execute(select(Invite))).unique().scalar_one()
        assert invite.person.name == "Clara Neu"
        assert invite.person.function == "Sprecherin"
    assert await stored_state(sessions, MARTIN) is None  # over: nothing left behind


@pytest.mark.parametrize("how", STOPS)
async def test_a_broadcast_with_an_attachment_goes_on_after_a_restart(
    api: LocalBotApi,
    start_bot: StartBot,
    sessions: Sessions,
    database_url: str,
    tmp_path: Path,
    how: signal.Signals,
) -> None:
    martin, anna = api.user(MARTIN, "Martin"), api.user(ANNA, "Anna")
    pdf = b"%PDF-1.4 Zeitplan der Ausschreibung"
    async with bot_process(api, database_url, tmp_path) as process:
        await martin.send("/rundschreiben", wait=False)
        await martin.wait_for(lambda m: m.text.startswith("📢 Neues Rundschreiben"), timeout=30)
        await martin.send("Der Zeitplan der Ausschreibung.", wait=False)
        await martin.wait_for(lambda m: "Anhang" in m.text)
        await martin.send_document("Zeitplan.pdf", pdf, mime_type="application/pdf", wait=False)
        await martin.wait_for(lambda m: m.text.startswith("📎 „Zeitplan.pdf“ wird angehängt."))
        # Stored before the answer went out: the audience step.
        assert await stored_state(sessions, MARTIN) == ("broadcast", 2)
        await stop_process(process, how)

    await start_bot()
    await martin.press("Eine Fraktion")
    _, preview, _ = await martin.press("SPD-Fraktion")
    assert preview.document is not None and preview.document.data == pdf
    await martin.press("Jetzt senden")
    await martin.wait_for(lambda message: message.text.startswith("✅ Zugestellt: 1 von 1."))
    [document] = anna.messages
    assert document.document is not None and document.document.data == pdf
    assert document.caption is not None and "Der Zeitplan der Ausschreibung." in document.caption
    async with sessions() as session:
        announcement = (await session.execute(select(Announcement))).scalar_one()
        assert announcement.attachment_name == "Zeitplan.pdf"
