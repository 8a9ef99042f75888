"""The bot's HTTP side (Starlette): health check, calendar feeds and, in webhook mode, the
Telegram webhook."""

from __future__ import annotations

import hmac
import logging
from datetime import UTC, datetime

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.feeds import bot_username, feed_routes
from bot.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_SECONDS, exposition
from bot.runtime import BotApplication, Runtime
from storage.queries.deliveries import outbox_backlog

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def create_web_app(runtime: Runtime, application: BotApplication) -> Starlette:
    async def backlog() -> tuple[int, float]:
        """Deliveries waiting in the outbox and the age of the oldest, in seconds."""
        async with runtime.sessions() as session:
            count, oldest = await outbox_backlog(session)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest is not None else 0.0
        return count, max(0.0, age)

    async def healthz(_request: Request) -> Response:
        try:
            async with runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            count, age = await backlog()
        except Exception as error:  # any driver error means: not reachable
            log.warning("health check: database unreachable: %s", type(error).__name__)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse(
            {
                "status": "ok",
                "database": "reachable",
                "outbox": {"backlog": count, "oldest_age_seconds": round(age, 1)},
            }
        )

    async def metrics(_request: Request) -> Response:
        try:
            count, age = await backlog()
        except Exception as error:  # the process's own metrics are still worth serving
            log.warning("metrics: outbox not readable: %s", type(error).__name__)
        else:
            OUTBOX_BACKLOG.set(count)
            OUTBOX_OLDEST_SECONDS.set(age)
        body, content_type = exposition()
        return Response(body, headers={"Content-Type": content_type})

    async def telegram_webhook(request: Request) -> Response:
        secret = runtime.settings.webhook_secret
        expected = secret.get_secret_value() if secret else ""
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return Response(status_code=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except (ValueError, TypeError, AttributeError, KeyError):  # not JSON, or not an Update
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response()

    routes = [Route("/healthz", healthz), Route("/metrics", metrics)]
    routes.extend(feed_routes(runtime, lambda: bot_username(application)))  # calendar feeds
    if runtime.settings.webhook_url:
        routes.append(Route(WEBHOOK_PATH, telegram_webhook, methods=["POST"]))
    return Starlette(routes=routes)
