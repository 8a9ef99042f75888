"""A broadcast to 500 members through a misbehaving Telegram: every reachable member gets it
exactly once, the blocked ones are reported by name, and the progress is visible."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import Fault, RateLimits
from bot.services.delivery import DeliveryReport, reason_text, render_report, wait_for_report
from bot.services.outbox import Notice, enqueue_many
from storage.models import Announcement, DeliveryStatus
from tests.services.delivery.support import (
    FAST,
    add_members,
    local_telegram,
    received_counts,
    running_worker,
)

MEMBERS = 500
BLOCKED = 20
TEXT = "<b>Vorab-Information:</b> Die Präsentation der Beratungsfirmen beginnt um 14 Uhr."


async def test_broadcast_reaches_everyone_once_despite_faults_and_reports_the_blocked(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # The client gives up after 1.5 s; the injected timeouts hang 2 s and then fail. The margin
    # between "slow" (0.1 s) and the client's limit holds on a busy two-core CI machine too.
    async with local_telegram(RateLimits.off(), read_timeout=1.5) as (api, bot):
        members = await add_members(sessions, api, MEMBERS)
        blocked = members[:: MEMBERS // BLOCKED]
        for member in blocked:
            api.user(member.chat_id, member.name).block()
        api.inject_random(
            0.15,
            Fault.too_many_requests(retry_after=1),
            Fault.server_error(500),
            Fault.bad_gateway(),
            Fault.timeout(2.0, then_status=502),  # the bot times out: TimedOut, nothing sent
            Fault.timeout(0.1),  # slow but in time: delivered once
            seed=7,
        )
        async with sessions.begin() as session:
            announcement = Announcement(text=TEXT, audience="all")
            session.add(announcement)
            await session.flush()
            announcement_id = announcement.id
            await enqueue_many(
                session,
                [
                    Notice(
                        event_key=f"announcement:{announcement_id}",
                        chat_id=m.chat_id,
                        kind="broadcast",
                        text=TEXT,
                        person_id=m.person_id,
                        announcement_id=announcement_id,
                    )
                    for m in members
                ],
            )
        progress: list[DeliveryReport] = []

        async def on_progress(report: DeliveryReport) -> None:
            progress.append(report)

        async with running_worker(bot, sessions, **{**FAST, "max_attempts": 10}) as worker:
            report = await wait_for_report(
                sessions,
                announcement_id=announcement_id,
                on_progress=on_progress,
                interval=0.1,
                timeout=60,
            )
            for _ in range(100):  # the worker stamps the finished broadcast within a second
                async with sessions() as session:
                    finished = await session.get(Announcement, announcement_id)
                    if finished is not None and finished.finished_at is not None:
                        break
                await asyncio.sleep(0.05)
        stats = worker.stats
        counts = received_counts(api, [m.chat_id for m in members])

    blocked_ids = {m.chat_id for m in blocked}
    assert {chat: n for chat, n in counts.items() if chat in blocked_ids} == dict.fromkeys(
        blocked_ids, 0
    )
    assert {n for chat, n in counts.items() if chat not in blocked_ids} == {1}

    assert report.finished
    assert (report.delivered, report.pending, report.failed, report.unreachable) == (
        MEMBERS - BLOCKED,
        0,
        0,
        BLOCKED,
    )
    assert [item.name for item in report.not_reached] == sorted(m.name for m in blocked)
    assert {item.status for item in report.not_reached} == {DeliveryStatus.UNREACHABLE}
    assert {item.reason for item in report.not_reached} == {
        "Forbidden: bot was blocked by the user"
    }
    assert finished is not None and finished.finished_at is not None

    # The faults really happened and were dealt with.
    assert api.log.count(status=429, injected=True) > 0
    assert api.log.count(status=500, injected=True) > 0
    assert stats.rate_limited > 0
    assert stats.retried > 0

    # What the administrator sees while it runs and at the end.
    delivered = [r.delivered for r in progress]
    assert delivered == sorted(delivered)
    assert progress[-1] == report
    text = render_report(report, "de")
    assert text.startswith(f"✅ Zugestellt: {MEMBERS - BLOCKED} von {MEMBERS}.")
    assert f"Nicht erreichbar: {BLOCKED}" in text
    assert f"• {blocked[0].name}: hat den Bot blockiert" in text
    assert reason_text("Forbidden: user is deactivated", "en") == "Telegram account deleted"
