"""CLI: `gremienbot deliveries` — what the outbox still has to send, and what it could not."""

from __future__ import annotations

import click

from bot.cli.common import fail, open_runtime, run_async, strip_html
from bot.i18n import format_short
from bot.services.delivery import delivery_report, render_report
from storage.models import Announcement, DeliveryStatus
from storage.queries.delivery_reports import deliveries_in, status_counts, unreachable_persons


def _recipient(name: str | None, chat_id: int) -> str:
    return f"{name} (chat {chat_id})" if name else f"chat {chat_id}"


@click.command()
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Rows listed per section.",
)
@click.option(
    "--announcement",
    "announcement_id",
    type=int,
    metavar="ID",
    help="Show the delivery report of one broadcast instead.",
)
@run_async
async def deliveries(limit: int, announcement_id: int | None) -> None:
    """Show pending deliveries, failed ones with the reason, and unreachable members."""
    async with open_runtime() as runtime:
        tz = runtime.tz
        async with runtime.sessions() as session:
            if announcement_id is not None:
                if await session.get(Announcement, announcement_id) is None:
                    fail(f"there is no broadcast with id {announcement_id}.")
                report = await delivery_report(session, announcement_id=announcement_id)
                click.echo(strip_html(render_report(report, "en")))
                return
            counts = await status_counts(session)
            pending = await deliveries_in(session, statuses=[DeliveryStatus.PENDING], limit=limit)
            failed = await deliveries_in(session, statuses=[DeliveryStatus.FAILED], limit=limit)
            unreachable = await unreachable_persons(session)

    click.echo(f"Sent: {counts[DeliveryStatus.SENT]}")
    click.echo(f"Pending: {counts[DeliveryStatus.PENDING]}")
    for line in pending:
        when = format_short(line.next_attempt_at, "en", tz)
        retry = f", last error: {line.last_error}" if line.last_error else ""
        click.echo(
            f"  #{line.delivery_id} {line.kind} to {_recipient(line.name, line.chat_id)}: "
            f"{line.attempts} attempts, next {when}{retry}"
        )
    click.echo(f"Failed: {counts[DeliveryStatus.FAILED]}")
    for line in failed:
        click.echo(
            f"  #{line.delivery_id} {line.kind} to {_recipient(line.name, line.chat_id)}: "
            f"{line.last_error or 'no reason recorded'}"
        )
    click.echo(
        f"Unreachable: {counts[DeliveryStatus.UNREACHABLE]} deliveries, {len(unreachable)} members"
    )
    for person in unreachable[:limit]:
        click.echo(
            f"  {person.name}: {person.reason or 'no reason recorded'} "
            f"({person.undelivered} not delivered)"
        )
