"""The import service: check the whole file, then upsert it in one transaction with an audit
entry (or roll everything back for a dry run), and return the change report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import NotAllowed
from bot.metrics import sync_run
from bot.services.importer.apply import Upsert
from bot.services.importer.problems import ImportInvalid
from bot.services.importer.report import ImportReport
from bot.services.importer.validate import Known, check_references, parse
from storage.models import AuditEntry, Person
from storage.queries.council_keys import existing_keys

CLI_ACTOR = "@cli"  # the shell; named per language in the Änderungsverlauf

# Called inside the import's transaction with its report; writes Delivery rows (the outbox)
# and returns how many notifications it queued. Not called with notify=False.
Notifier = Callable[[AsyncSession, ImportReport], Awaitable[int]]


async def import_yaml(
    sessions: async_sessionmaker[AsyncSession],
    *,
    text: str,
    source: str,
    tz: tzinfo,
    group_key: str,
    now: datetime | None = None,
    dry_run: bool = False,
    notify: bool = True,
    actor: Person | None = None,
    actor_name: str = CLI_ACTOR,
    notifier: Notifier | None = None,
) -> ImportReport:
    """Import the YAML `text` (named `source` in messages and the audit log).

    Raises ImportInvalid listing every problem (nothing written), NotAllowed for an actor who
    is not an administrator (`actor=None` is the shell). With `dry_run` everything runs,
    notifier included, in a transaction that is rolled back; the report says what would change.
    """
    # Counted and timed as a run of the data source "import" (bot/metrics.py).
    with sync_run("import"):
        if actor is not None and not actor.is_admin:
            raise NotAllowed()
        now = now or datetime.now(UTC)
        data, problems = parse(text, tz=tz)
        report = ImportReport(source=source, dry_run=dry_run, notify=notify)
        async with sessions() as session:
            try:
                organizations, papers, meetings = data.referenced()
                kinds, known_papers, known_meetings = await existing_keys(
                    session,
                    organizations=organizations | {group_key},
                    papers=papers,
                    meetings=meetings,
                )
                known = Known(kinds, frozenset(known_papers), frozenset(known_meetings))
                problems += check_references(data, known, group_key=group_key)
                if problems:
                    raise ImportInvalid(problems)
                await Upsert(session, report, tz, now).run(data, group_key=group_key)
                if notify and notifier is not None and not report.is_empty:
                    report.notified = await notifier(session, report)
                session.add(
                    AuditEntry(
                        at=now,
                        actor_id=actor.id if actor else None,
                        actor_name=actor.name if actor else actor_name,
                        action="import",
                        subject=source,
                        detail=report.one_line(),
                        data={
                            "source": source,
                            "notify": notify,
                            "notified": report.notified,
                            "counts": report.counts(),
                        },
                    )
                )
                await session.flush()
            except BaseException:
                await session.rollback()
                raise
            if dry_run:
                await session.rollback()
            else:
                await session.commit()
        return report
