"""CLI: `gremienbot broadcast TEXT [--audience …] [--attach FILE]` — early information from the
shell; waits until every delivery is settled and prints the report.

Who delivers: the running bot's delivery worker (`gremienbot run`), which picks the new rows up
within a second. If no worker takes them up within BOT_GRACE seconds and no worker holds any
delivery at all, the bot is not running: this command then starts a delivery worker of its own
with the configured token for as long as it waits. (Never while another worker is at work: on
SQLite only one worker process may run, see bot/services/delivery/worker.py.)
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import click
from telegram import Bot

from bot.cli.common import fail, fail_with, open_runtime, run_async, strip_html
from bot.errors import UserError
from bot.runtime import Runtime
from bot.services.broadcast import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    AudienceChoice,
    create_broadcast,
    plain_body,
)
from bot.services.delivery import DeliveryReport, DeliveryWorker, render_report, wait_for_report
from storage.queries.broadcasts import live_claims, picked_up

BOT_GRACE = 5.0  # seconds to wait for a running bot's worker before delivering from here
POLL = 0.5


def _attachment(path: Path | None) -> Attachment | None:
    if path is None:
        return None
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            fail(f"{path} is too big ({size} bytes; at most {MAX_ATTACHMENT_BYTES}).")
        return Attachment(path.name, path.read_bytes())
    except OSError as error:
        fail(f"{path} cannot be read: {error.strerror}.")
        raise


async def _progress(report: DeliveryReport) -> None:
    click.echo(
        f"Delivered {report.delivered} of {report.total}, {report.pending} pending.", err=True
    )


async def _bot_is_delivering(runtime: Runtime, announcement_id: int) -> bool:
    deadline = time.monotonic() + BOT_GRACE
    while True:
        async with runtime.sessions() as session:
            if await picked_up(session, announcement_id=announcement_id):
                return True
            busy = await live_claims(session, now=runtime.now())
        if time.monotonic() >= deadline:
            return busy  # a worker holds other deliveries: it will come to ours
        await asyncio.sleep(POLL)


async def _wait(runtime: Runtime, announcement_id: int, timeout: float) -> DeliveryReport:  # noqa: ASYNC109
    started = time.monotonic()
    if await _bot_is_delivering(runtime, announcement_id):
        return await wait_for_report(
            runtime.sessions,
            announcement_id=announcement_id,
            on_progress=_progress,
            timeout=timeout,
        )
    click.echo("The bot is not running; delivering from here.", err=True)
    settings = runtime.settings
    bot = Bot(settings.require_token(), base_url=settings.api_base_url)
    if settings.api_base_file_url:
        bot = Bot(
            settings.require_token(),
            base_url=settings.api_base_url,
            base_file_url=settings.api_base_file_url,
        )
    async with bot:
        worker = DeliveryWorker.from_settings(bot=bot, sessions=runtime.sessions, settings=settings)
        await worker.start()
        try:
            return await wait_for_report(
                runtime.sessions,
                announcement_id=announcement_id,
                on_progress=_progress,
                timeout=max(1.0, timeout - (time.monotonic() - started)),
            )
        finally:
            await worker.stop()


@click.command("broadcast")
@click.argument("text")
@click.option(
    "--audience",
    default="everyone",
    show_default=True,
    metavar="AUDIENCE",
    help="everyone, speakers (faction speakers), administration, faction:KEY, or group "
    "(the connected group).",
)
@click.option(
    "--attach",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="A document or photo to send with the text (at most 20 MB).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=600.0,
    show_default=True,
    help="Seconds to wait for the deliveries.",
)
@run_async
async def broadcast(text: str, audience: str, attach: Path | None, timeout: float) -> None:  # noqa: ASYNC109
    """Send TEXT as early information (Vorab-Information) to an audience and print the
    report: delivered, not reached (by name, with the reason), still pending.

    TEXT is sent as written ("-" reads it from standard input). Members' notice settings do
    not apply to broadcasts; replies to it are forwarded to the administrators.
    """
    if text == "-":
        text = sys.stdin.read()
    attachment = _attachment(attach)
    async with open_runtime() as runtime:
        settings = runtime.settings
        try:
            choice = AudienceChoice.parse(audience)
            async with runtime.sessions.begin() as session:
                sent = await create_broadcast(
                    session,
                    actor=None,
                    body=plain_body(text),
                    choice=choice,
                    settings=settings,
                    now=runtime.now(),
                    attachment=attachment,
                )
        except UserError as error:
            fail_with(error, settings)
            return
        announcement_id = sent.announcement.id
        click.echo(f"Broadcast #{announcement_id} to {choice}: {sent.recipients} chats.")
        report = await _wait(runtime, announcement_id, timeout)
    click.echo(strip_html(render_report(report, "en")))
    if sent.unlinked:
        names = ", ".join(person.name for person in sent.unlinked)
        click.echo(f"Not linked to Telegram (not sent): {names}")
    if not report.finished:
        click.echo(
            f"{report.pending} deliveries are still pending; the bot keeps trying "
            f"(see `gremienbot deliveries --announcement {announcement_id}`).",
            err=True,
        )
        sys.exit(1)
