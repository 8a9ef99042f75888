"""The real bot over HTTP: a stranger's /start and /help, the command menus, /healthz."""

from __future__ import annotations

import logging

import httpx
import pytest

from bot.localapi import LocalBotApi
from bot.sandbox import sandbox
from storage.engine import display_url
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
    assert response.json() == {
        "status": "ok",
        "database": "reachable",
        "outbox": {"backlog": 0, "oldest_age_seconds": 0.0},
    }


async def test_webhook_mode_checks_the_secret_and_handles_updates(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    box = await start_bot(webhook_url="https://bot.example.org", webhook_secret="s3cret-token")
    assert api.webhook_url == "https://bot.example.org/telegram"
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 9004, "type": "private", "first_name": "Erika"},
            "from": {"id": 9004, "is_bot": False, "first_name": "Erika", "language_code": "de"},
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    stranger = api.user(9004, "Erika")
    async with httpx.AsyncClient(base_url=box.bot.http_url) as client:
        refused = await client.post("/telegram", json=update)
        assert refused.status_code == 403
        wrong = await client.post(
            "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
        assert wrong.status_code == 403
        accepted = await client.post(
            "/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        )
        assert accepted.status_code == 200
    reply = await stranger.wait_for(lambda message: "Einladungslink" in message.text)
    assert "Mitglieder der Lenkungsgruppe" in reply.text
    assert len(stranger.messages) == 1  # the refused posts were not processed


async def test_start_and_stop_are_logged_once_without_secrets(
    api: LocalBotApi, database_url: str, engine: object, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gremienbot")
    async with sandbox(database_url, api=api) as box:
        started = [r.getMessage() for r in caplog.records if r.name == "gremienbot"]
        assert len(started) == 1
        assert started[0].startswith("Gremienbot started as @gremienbot_test_bot (polling)")
        assert box.bot.http_url in started[0]
        assert display_url(database_url) in started[0]
    messages = [r.getMessage() for r in caplog.records if r.name == "gremienbot"]
    assert messages[1] == "Gremienbot stopped (@gremienbot_test_bot)"
    for record in caplog.records:
        assert api.token not in record.getMessage()
