"""Runs the bot and its web app in one asyncio loop (for `gremienbot run`, the demo, tests)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import uvicorn
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.app import build_application, on_startup
from bot.config import Settings
from bot.periodic import startup_once
from bot.runtime import BotApplication, Runtime
from bot.services.delivery import DeliveryOptions, DeliveryWorker
from bot.web import WEBHOOK_PATH, create_web_app
from storage.engine import display_url
from storage.migrate import upgrade

log = logging.getLogger("gremienbot")


class EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling.

    The runner owns SIGINT/SIGTERM so that the bot and the web app stop together; uvicorn
    would otherwise take the signals and re-raise them after its own shutdown.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class RunningBot:
    application: BotApplication
    runtime: Runtime
    http_url: str
    delivery: DeliveryWorker


def delivery_bot_for(settings: Settings) -> Bot:
    """A plain Bot for bulk sends, with a connection pool for the worker's concurrency."""
    pool = DeliveryOptions.from_settings(settings).slots + 4
    return Bot(
        settings.require_token(),
        base_url=settings.api_base_url,
        base_file_url=settings.api_base_file_url or "https://api.telegram.org/file/bot",
        request=HTTPXRequest(connection_pool_size=pool),
    )


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[RunningBot]:
    """Start everything, yield while it runs, and stop it all in reverse order."""
    settings.require_token()  # fail before touching the database
    runtime = Runtime.from_settings(settings)
    try:
        if await upgrade(runtime.engine):  # on PostgreSQL under a lock: once for all instances
            log.info("database schema migrated")
        application = build_application(runtime)
        web = create_web_app(runtime, application)
        server = EmbeddedServer(
            uvicorn.Config(
                web,
                host=settings.http_host,
                port=settings.http_port,
                log_level="warning",
                lifespan="off",
            )
        )
        async with application, contextlib.AsyncExitStack() as stack:
            # Administrators from ADMINS and the command menus: once for instances started
            # together, under the database's start-up lock (bot/periodic.py).
            await startup_once(runtime, lambda: on_startup(application))
            await application.start()
            if settings.webhook_url:
                secret = (
                    settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
                )
                await application.bot.set_webhook(
                    settings.webhook_url + WEBHOOK_PATH, secret_token=secret
                )
                mode = "webhook"
            else:
                assert application.updater is not None
                await application.updater.start_polling()
                mode = "polling"
            serving = asyncio.create_task(server.serve())
            # uvicorn exposes only a flag for "listening", no event to await.
            while not server.started and not serving.done():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            if serving.done():
                await serving  # re-raises why the web server could not start
                raise RuntimeError("the HTTP server stopped at start")
            host, port = server.servers[0].sockets[0].getsockname()[:2]
            http_url = f"http://{host}:{port}"
            if settings.public_url is None:
                # Feed links in messages point at the address actually bound (port 0 = any).
                runtime.settings = settings.model_copy(update={"public_url": http_url})
            log.info(
                "Gremienbot started as @%s (%s), database %s, HTTP %s",
                application.bot.username,
                mode,
                display_url(settings.database_url),
                http_url,
            )
            # The delivery worker drains the outbox beside the bot (bot/services/delivery). It
            # gets a Bot of its own, without the application's rate limiter: the worker paces
            # per chat itself and takes its tokens from the same send budget.
            delivery_bot = await stack.enter_async_context(delivery_bot_for(settings))
            delivery = DeliveryWorker.from_settings(
                bot=delivery_bot,
                sessions=runtime.sessions,
                settings=settings,
                budget=runtime.send_budget,  # shared with the replies
            )
            await delivery.start()
            try:
                yield RunningBot(
                    application=application, runtime=runtime, http_url=http_url, delivery=delivery
                )
            finally:
                await delivery.stop()  # first: its requests in flight still need the bot
                server.should_exit = True
                if application.updater is not None and application.updater.running:
                    await application.updater.stop()
                await application.stop()
                await serving
                log.info("Gremienbot stopped (@%s)", application.bot.username)
    finally:
        await runtime.close()


async def run_until_signal(settings: Settings) -> None:
    """`gremienbot run`: serve until SIGINT or SIGTERM, then shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(settings):
        await stop.wait()
