"""`gremienbot deliveries`: pending, failed with reason, unreachable members by name."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from click.testing import CliRunner, Result
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.services.outbox import enqueue
from storage.models import Announcement, Delivery, DeliveryStatus, Person
from tests.services.delivery.support import add_members


async def invoke(database_url: str, *args: str) -> Result:
    """Run the command in a thread: it starts its own event loop, as from the shell."""
    env = {"GREMIENBOT_DATABASE_URL": database_url, "GREMIENBOT_TIMEZONE": "Europe/Berlin"}
    return await asyncio.to_thread(CliRunner().invoke, main, ["deliveries", *args], env=env)


async def test_deliveries_lists_pending_failed_and_unreachable(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    anna, bernd, clara = await add_members(sessions, None, 3)
    async with sessions.begin() as session:
        announcement = Announcement(text="Rundschreiben", audience="all")
        session.add(announcement)
        await session.flush()
        for member in (anna, bernd, clara):
            await enqueue(
                session,
                event_key="broadcast:1",
                chat_id=member.chat_id,
                kind="broadcast",
                text="Rundschreiben",
                person_id=member.person_id,
                announcement_id=announcement.id,
            )
        await session.execute(
            update(Delivery)
            .where(Delivery.chat_id == bernd.chat_id)
            .values(status=DeliveryStatus.FAILED, last_error="Chat not found", attempts=1)
        )
        await session.execute(
            update(Delivery)
            .where(Delivery.chat_id == clara.chat_id)
            .values(
                status=DeliveryStatus.UNREACHABLE,
                last_error="Forbidden: bot was blocked by the user",
            )
        )
        await session.execute(
            update(Person)
            .where(Person.id == clara.person_id)
            .values(reachable=False, unreachable_reason="Forbidden: bot was blocked by the user")
        )
        await session.execute(
            update(Delivery)
            .where(Delivery.chat_id == anna.chat_id)
            .values(next_attempt_at=datetime(2026, 7, 5, 12, 0, tzinfo=UTC), attempts=2)
        )
        announcement_id = announcement.id

    result = await invoke(database_url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Sent: 0"
    assert lines[1] == "Pending: 1"
    # 12:00 UTC is 14:00 in Berlin in July
    assert lines[2] == (
        f"  #1 broadcast to {anna.name} (chat {anna.chat_id}): 2 attempts, next 05/07/2026, 14:00"
    )
    assert lines[3:] == [
        "Failed: 1",
        f"  #2 broadcast to {bernd.name} (chat {bernd.chat_id}): Chat not found",
        "Unreachable: 1 deliveries, 1 members",
        f"  {clara.name}: Forbidden: bot was blocked by the user (1 not delivered)",
    ]

    report = await invoke(database_url, "--announcement", str(announcement_id))
    assert report.exit_code == 0, report.output
    assert report.output.splitlines() == [
        "📨 Delivering: 0 of 3 delivered, 1 pending.",
        "Failed: 1",
        "Unreachable: 1",
        "",
        "Not reached:",
        f"• {bernd.name}: chat not found",
        f"• {clara.name}: blocked the bot",
    ]


async def test_deliveries_refuses_an_unknown_broadcast_and_a_bad_limit(
    database_url: str, engine: object
) -> None:
    unknown = await invoke(database_url, "--announcement", "99")
    assert unknown.exit_code == 2
    assert "there is no broadcast with id 99" in unknown.output
    bad = await invoke(database_url, "--limit", "0")
    assert bad.exit_code == 2
    assert "--limit" in bad.output
