"""The real bot over HTTP: a stranger's /start and /help, the command menus, /healthz."""

from __future__ import annotations

import httpx

from bot.localapi import LocalBotApi
from tests.e2e.conftest import StartBot


async def test_stranger_start_is_refused_politely_in_german(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    stranger = api.user(9001, "Erika", language_code="de")
    replies = await stranger.send("/start")
    assert len(replies) == 1
    text = replies[0].text
    assert "Mitglieder der Lenkungsgruppe" in text
    assert "Einladungslink" in text


async def test_stranger_in_english_gets_english(api: LocalBotApi, start_bot: StartBot) -> None:
    await start_bot()
    stranger = api.user(9002, "Eric", language_code="en-GB")
    replies = await stranger.send("/start")
    assert "invitation link" in replies[0].text


async def test_help_for_strangers_explains_the_bot(api: LocalBotApi, start_bot: StartBot) -> None:
    await start_bot()
    stranger = api.user(9003, "Erika")
    replies = await stranger.send("/help")
    assert "Einladungslink" in replies[0].text


async def test_command_menu_is_set_at_start_per_language(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    scope = {"type": "all_private_chats"}
    german = {c["command"]: c["description"] for c in api.commands(scope, "")}
    english = {c["command"]: c["description"] for c in api.commands(scope, "en")}
    assert german["help"] == "Hilfe und Befehle"
    assert english["help"] == "Help and commands"
    assert "mitglieder" not in german  # administrator commands are not in the members' menu


async def test_healthz_reports_the_database(start_bot: StartBot) -> None:
    sandbox = await start_bot()
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{sandbox.bot.http_url}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "reachable"}
