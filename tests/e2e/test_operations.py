"""Operations: webhook mode for real (the local Bot API server POSTs the updates), /metrics,
/healthz with the outbox backlog, JSON logs."""

from __future__ import annotations

import json
import logging

import httpx

from bot.localapi import LocalBotApi
from bot.logformat import JsonFormatter
from tests.e2e.conftest import StartBot

SECRET = "s3cret-token"


async def test_webhook_mode_receives_updates_from_the_server(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    # The server calls the bot's /telegram with the secret header; the bot's port is known
    # only once it runs, so the server is pointed at it as a proxy would be.
    box = await start_bot(webhook_url="http://127.0.0.1:9", webhook_secret=SECRET)
    api.balance_webhook([box.bot.http_url])
    stranger = api.user(9004, "Erika")
    replies = await stranger.send("/start")
    assert any("Einladungslink" in message.text for message in replies)
    assert [target for _, target in api.webhooks.delivered] == [f"{box.bot.http_url}/telegram"]


async def test_metrics_and_healthz(api: LocalBotApi, start_bot: StartBot) -> None:
    box = await start_bot()
    await api.user(9005, "Max").send("/start")
    async with httpx.AsyncClient(base_url=box.bot.http_url) as client:
        await client.get("/calendar/public.ics")
        metrics = await client.get("/metrics")
        health = await client.get("/healthz")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    for name in (
        'gremienbot_updates_total{kind="message"}',
        "gremienbot_handler_seconds_bucket",
        'gremienbot_feed_requests_total{result="200"}',
        "gremienbot_outbox_backlog 0.0",
        "gremienbot_outbox_oldest_age_seconds 0.0",
        "gremienbot_telegram_429_total",
        "gremienbot_sync_runs_total",
    ):
        assert name in text, name
    assert health.json()["outbox"] == {"backlog": 0, "oldest_age_seconds": 0.0}


def test_json_log_lines_carry_level_logger_message_and_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "gremienbot", "levelname": "INFO", "msg": "sent %d", "args": (3,)}
    )
    record.chat_id = 42
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "info" and line["logger"] == "gremienbot"
    assert line["message"] == "sent 3" and line["chat_id"] == 42
    assert line["time"].endswith("+00:00")
