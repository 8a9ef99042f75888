"""A broadcast's progress and final report: delivered / pending / failed / unreachable, and who
was not reached and why (DESIGN section 6).

The report is read from the database, so it is right whichever instance delivered. A broadcast
flow follows progress with `wait_for_report`, which polls and calls back on every change (e.g. to
edit the administrator's progress message), and renders it with `render_report`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Html, t
from storage.models import DeliveryStatus
from storage.queries.delivery_reports import deliveries_in, status_counts


@dataclass(frozen=True)
class NotReached:
    name: str | None  # the member's name (or the group's title); None if unknown
    chat_id: int
    status: DeliveryStatus  # failed or unreachable
    reason: str  # Telegram's description, e.g. "Forbidden: bot was blocked by the user"


@dataclass(frozen=True)
class DeliveryReport:
    announcement_id: int
    delivered: int
    pending: int
    failed: int
    unreachable: int
    not_reached: tuple[NotReached, ...]

    @property
    def total(self) -> int:
        return self.delivered + self.pending + self.failed + self.unreachable

    @property
    def finished(self) -> bool:
        return self.pending == 0

    def counts(self) -> tuple[int, int, int, int]:
        return (self.delivered, self.pending, self.failed, self.unreachable)


async def delivery_report(session: AsyncSession, *, announcement_id: int) -> DeliveryReport:
    counts = await status_counts(session, announcement_id=announcement_id)
    lines = await deliveries_in(
        session,
        statuses=[DeliveryStatus.FAILED, DeliveryStatus.UNREACHABLE],
        announcement_id=announcement_id,
    )
    return DeliveryReport(
        announcement_id=announcement_id,
        delivered=counts[DeliveryStatus.SENT],
        pending=counts[DeliveryStatus.PENDING],
        failed=counts[DeliveryStatus.FAILED],
        unreachable=counts[DeliveryStatus.UNREACHABLE],
        not_reached=tuple(
            NotReached(line.name, line.chat_id, line.status, line.last_error or "")
            for line in sorted(lines, key=lambda line: ((line.name or "").lower(), line.chat_id))
        ),
    )


ProgressCallback = Callable[[DeliveryReport], Awaitable[None]]


async def wait_for_report(
    sessions: async_sessionmaker[AsyncSession],
    *,
    announcement_id: int,
    on_progress: ProgressCallback | None = None,
    interval: float = 1.0,
    timeout: float | None = None,  # noqa: ASYNC109
) -> DeliveryReport:
    """Poll until no delivery of the announcement is pending (or `timeout` passed) and return
    the report; `on_progress` is awaited whenever the counts changed, the last time when done."""
    deadline = None if timeout is None else time.monotonic() + timeout
    last: tuple[int, int, int, int] | None = None
    while True:
        async with sessions() as session:
            report = await delivery_report(session, announcement_id=announcement_id)
        if on_progress is not None and report.counts() != last:
            await on_progress(report)
        last = report.counts()
        if report.finished or (deadline is not None and time.monotonic() >= deadline):
            return report
        await asyncio.sleep(interval)


# Names listed in a chat message; the rest is counted, so the report stays one message.
MAX_LISTED = 40

_REASONS = (
    ("blocked by the user", "delivery.reason.blocked"),
    ("user is deactivated", "delivery.reason.deactivated"),
    ("can't initiate conversation", "delivery.reason.not_started"),
    ("kicked from", "delivery.reason.kicked"),
    ("not a member", "delivery.reason.kicked"),
    ("chat not found", "delivery.reason.chat_not_found"),
)


def reason_text(reason: str, language: str) -> str:
    """Telegram's description of why a message was refused, in the reader's words."""
    lowered = reason.lower()
    for fragment, key in _REASONS:
        if fragment in lowered:
            return t(language, key)
    return t(language, "delivery.reason.other", error=reason)


def render_report(report: DeliveryReport, language: str) -> str:
    """The progress or final report as an HTML message (for the administrator's chat)."""
    key = "delivery.report.done" if report.finished else "delivery.report.progress"
    lines: list[str] = [
        t(
            language,
            key,
            delivered=report.delivered,
            total=report.total,
            pending=report.pending,
        )
    ]
    if report.failed:
        lines.append(t(language, "delivery.report.failed", count=report.failed))
    if report.unreachable:
        lines.append(t(language, "delivery.report.unreachable", count=report.unreachable))
    if report.not_reached:
        lines.append("")
        lines.append(t(language, "delivery.report.not_reached"))
        for item in report.not_reached[:MAX_LISTED]:
            name = item.name or t(language, "delivery.report.unknown_chat", chat_id=item.chat_id)
            reason = Html(reason_text(item.reason, language))
            lines.append(t(language, "delivery.report.line", name=name, reason=reason))
        hidden = len(report.not_reached) - MAX_LISTED
        if hidden > 0:
            lines.append(t(language, "delivery.report.more", count=hidden))
    return "\n".join(lines)
