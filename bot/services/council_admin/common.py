"""What the council administration services share: their result, the change report and the
notification hook, and the cleaning of typed text."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.importer import ImportReport, Notifier
from bot.services.importer.report import FieldChange
from storage.models import Person
from storage.queries import audit

T = TypeVar("T")

# The report's `source` for changes made in the chat (an import names its file there).
CHAT_SOURCE = "chat"


@dataclass(frozen=True)
class AdminChange(Generic[T]):
    """The stored row and the change report, in the importer's dataclasses, so that the
    notification service treats a change made in the chat exactly like an imported one."""

    item: T
    report: ImportReport


def new_report() -> ImportReport:
    return ImportReport(source=CHAT_SOURCE)


async def notify(session: AsyncSession, report: ImportReport, notifier: Notifier | None) -> None:
    """The hook for notifications: `notifier` (the importer's type) runs inside the change's
    transaction and writes the outbox rows; without one nobody is told."""
    if notifier is not None and not report.is_empty:
        report.notified = await notifier(session, report)


async def finish(
    session: AsyncSession,
    report: ImportReport,
    item: T,
    *,
    actor: Person | None,
    action: str,
    data: dict[str, Any],
    now: datetime,
    notifier: Notifier | None,
    subject: str = "",
    detail: str = "",
) -> AdminChange[T]:
    """The end of every administration change: the audit entry (action, subject, details),
    the notices, the result."""
    await audit.record(
        session, actor=actor, action=action, subject=subject, detail=detail, data=data, at=now
    )
    await notify(session, report, notifier)
    return AdminChange(item, report)


def audit_changes(changes: Iterable[FieldChange]) -> list[dict[str, Any]]:
    """Field changes as the audit entry's details: times as ISO text, shown in the reader's
    language and time zone by the view."""
    return [
        {"field": change.field, "old": _plain(change.old), "new": _plain(change.new)}
        for change in changes
    ]


def _plain(value: object) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def clean_line(value: str, *, limit: int, empty_key: str, long_key: str) -> str:
    """One line of text: whitespace collapsed, not empty, at most `limit` characters."""
    cleaned = " ".join(value.split())
    if not cleaned:
        raise UserError(empty_key)
    if len(cleaned) > limit:
        raise UserError(long_key, limit=limit)
    return cleaned


def clean_optional_line(value: str | None, *, limit: int, long_key: str) -> str | None:
    """An optional line; empty means none."""
    cleaned = " ".join((value or "").split())
    if len(cleaned) > limit:
        raise UserError(long_key, limit=limit)
    return cleaned or None


def clean_text(value: str | None, *, limit: int, long_key: str) -> str | None:
    """Text of several lines (a Beschlussvorschlag): line breaks kept, outer blanks removed."""
    lines = [line.rstrip() for line in (value or "").strip().splitlines()]
    cleaned = "\n".join(lines).strip()
    if len(cleaned) > limit:
        raise UserError(long_key, limit=limit)
    return cleaned or None
