"""Broadcasts end to end: the /rundschreiben dialogue, exactly the chosen audience, the status
message updated in place, the report naming the unreachable, Rückfragen, and the CLI."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import broadcast_progress
from bot.cli import broadcast as broadcast_cli
from bot.cli import main
from bot.localapi import LocalBotApi
from storage.models import Announcement, AuditEntry, Person
from tests.e2e.conftest import StartBot
from tests.services.delivery.support import wait_until_settled

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
MARTIN, CARLA, ANNA, BERND, JUERGEN = 1001, 1002, 1003, 1004, 1005
GROUP_CHAT = -100888
TEXT = "Die Präsentationen beginnen um 14 Uhr in Raum 214 & nicht <im Foyer>."
UNLINKED_SPEAKERS = "Fiona Freitag, Lena Links, Ludwig Liberal"


@pytest.fixture(autouse=True)
def quick_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(broadcast_progress, "PROGRESS_INTERVAL", 0.2)


async def announcements(sessions: Sessions) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(Announcement)
        return int((await session.execute(query)).scalar_one())


async def test_a_broadcast_reaches_its_audience_and_the_sender_sees_the_report(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == JUERGEN).values(language="en")
        )
    await start_bot()
    martin, carla = api.user(MARTIN, "Martin"), api.user(CARLA, "Carla")
    anna, bernd, juergen = api.user(ANNA, "Anna"), api.user(BERND, "Bernd"), api.user(JUERGEN, "J")

    [ask] = await martin.send("/rundschreiben")
    assert ask.text.startswith("📢 Neues Rundschreiben")
    await martin.send(TEXT)
    await martin.press("Ohne Anhang")
    replies = await martin.press("🗣 Sprecherinnen und Sprecher der Fraktionen")
    intro, preview, confirm = replies
    assert intro.text.startswith("👇 Vorschau")
    assert preview.text == (
        f"📢 Vorab-Information von Dr. Martin Muster\n\n{TEXT}\n\n"
        "Rückfragen? Antworten Sie einfach auf diese Nachricht."
    )
    assert confirm.text.startswith(
        "An die Sprecherinnen und Sprecher der Fraktionen: 3 Empfängerinnen und Empfänger."
    )
    assert f"erhalten es nicht: {UNLINKED_SPEAKERS}" in confirm.text

    bernd.block()
    await martin.press("Jetzt senden")
    report = await martin.wait_for(lambda message: message.text.startswith("✅ Zugestellt"))
    assert report is confirm and report.edited  # one status message, updated in place
    assert report.text == (
        "✅ Zugestellt: 2 von 3.\nNicht erreichbar: 1\n\nNicht erreicht:\n"
        f"• Bernd Probe: hat den Bot blockiert\n\nNicht mit Telegram verbunden: {UNLINKED_SPEAKERS}"
    )
    [delivered] = anna.messages
    assert (delivered.text, delivered.html) == (preview.text, preview.html)  # as previewed
    assert juergen.messages[0].text.startswith("📢 Early information from Dr. Martin Muster")
    assert carla.messages == [] and bernd.messages == []
    async with sessions() as session:
        actions = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert "broadcast" in actions

    # A Rückfrage: Anna replies; the sender gets it with her name and faction.
    [thanks] = await anna.reply(delivered, "Gibt es Parkplätze am Landratsamt?")
    assert thanks.text == (
        "✅ Ihre Rückfrage ist angekommen. Ich habe sie an Dr. Martin Muster weitergeleitet."
    )
    question = await martin.wait_for(lambda message: message.text.startswith("💬 Rückfrage"))
    assert question.text.startswith(
        "💬 Rückfrage von Anna Beispiel (SPD-Fraktion)\nzum Rundschreiben"
    )
    assert "„Die Präsentationen beginnen um 14 Uhr" in question.text
    assert question.text.endswith("\n\nGibt es Parkplätze am Landratsamt?")
    assert carla.messages == []
    # A reply to anything else is no Rückfrage.
    [listing] = await anna.send("/termine")
    [answer] = await anna.reply(listing, "Danke")
    assert "/help" in answer.text


async def test_with_a_document_to_one_faction_and_to_the_connected_group(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    martin, anna, bernd = api.user(MARTIN, "Martin"), api.user(ANNA, "Anna"), api.user(BERND, "B")
    group = api.group(GROUP_CHAT, "Lenkungsgruppe")
    await group.add_bot(martin)
    in_group = len(group.messages)
    pdf = b"%PDF-1.4 Zeitplan der Ausschreibung"

    await martin.send("/rundschreiben")
    await martin.send("Der Zeitplan der Ausschreibung.")
    [ask] = await martin.send_document("Zeitplan.pdf", pdf, mime_type="application/pdf")
    assert ask.text.startswith("📎 „Zeitplan.pdf“ wird angehängt.")
    await martin.press("Eine Fraktion")
    _, preview, _ = await martin.press("SPD-Fraktion")
    assert preview.document is not None and preview.document.data == pdf
    await martin.press("Jetzt senden")
    await martin.wait_for(lambda message: message.text.startswith("✅ Zugestellt: 1 von 1."))
    [document] = anna.messages
    assert document.document == preview.document and document.caption == preview.caption
    assert bernd.messages == []

    await martin.send("/rundschreiben")
    await martin.send("Die Sitzung ist öffentlich.")
    await martin.press("Ohne Anhang")
    await martin.press("Verbundene Gruppe")
    await martin.press("Jetzt senden")
    await martin.wait_for(lambda message: message.text.startswith("✅ Zugestellt: 1 von 1."))
    [posted] = group.messages[in_group:]
    assert (
        posted.text == "📢 Vorab-Information von Dr. Martin Muster\n\nDie Sitzung ist öffentlich."
    )
    assert len(anna.messages) == 1


async def test_a_member_cannot_broadcast(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    [refusal] = await anna.send("/rundschreiben")
    assert refusal.text == "Das dürfen nur Administratorinnen und Administratoren."
    await anna.send("Alle mal herhören")
    await anna.press_data(refusal.message_id, "bc:send")
    assert await announcements(sessions) == 0


async def invoke(database_url: str, api: LocalBotApi, *args: str) -> Result:
    """`gremienbot broadcast …` in a thread: it runs its own event loop, as from the shell."""
    env = {
        "GREMIENBOT_DATABASE_URL": database_url,
        "GREMIENBOT_TIMEZONE": "Europe/Berlin",
        "GREMIENBOT_TOKEN": api.token,
        "GREMIENBOT_API_BASE_URL": api.base_url,
        "GREMIENBOT_API_BASE_FILE_URL": api.base_file_url,
    }
    runner = CliRunner()
    return await asyncio.to_thread(runner.invoke, main, ["broadcast", *args], env=env)


async def test_the_cli_waits_for_the_running_bot_and_prints_the_report(
    api: LocalBotApi, start_bot: StartBot, database_url: str
) -> None:
    await start_bot()
    martin, carla = api.user(MARTIN, "Martin"), api.user(CARLA, "Carla")
    result = await invoke(
        database_url, api, "Heute 14 Uhr: <Probe>", "--audience", "administration"
    )
    assert result.exit_code == 0, result.output
    assert "Broadcast #1 to administration: 2 chats." in result.output
    assert "✅ Delivered: 2 of 2." in result.output
    assert "not running" not in result.output
    for member in (martin, carla):
        assert member.messages[-1].text.startswith("📢 Vorab-Information\n\nHeute 14 Uhr: <Probe>")


async def test_the_cli_delivers_itself_when_no_bot_runs(
    api: LocalBotApi,
    database_url: str,
    sessions: Sessions,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(broadcast_cli, "BOT_GRACE", 0.3)
    anna, bernd = api.user(ANNA, "Anna"), api.user(BERND, "Bernd")
    api.user(JUERGEN, "Jürgen")
    bernd.block()
    attachment = tmp_path / "Zeitplan.pdf"
    attachment.write_bytes(b"%PDF-1.4 Zeitplan")
    result = await invoke(
        database_url, api, "Zeitplan anbei.", "--audience", "speakers", "--attach", str(attachment)
    )
    assert result.exit_code == 0, result.output
    assert "The bot is not running; delivering from here." in result.output
    assert "✅ Delivered: 2 of 3." in result.output
    assert "• Bernd Probe: blocked the bot" in result.output
    assert f"Not linked to Telegram (not sent): {UNLINKED_SPEAKERS}" in result.output
    assert anna.messages[0].document is not None
    assert anna.messages[0].caption is not None and "Zeitplan anbei." in anna.messages[0].caption
    await wait_until_settled(sessions)

    bad = await invoke(database_url, api, "Text", "--audience", "faction:afd")
    assert bad.exit_code == 2 and "Eine Fraktion „afd“ gibt es nicht." in bad.output
    assert await announcements(sessions) == 1
