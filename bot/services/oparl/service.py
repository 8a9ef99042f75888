"""One OParl sync: find the body, walk its lists, apply page by page, notify, move the cursor.

The whole sync is one transaction: the cursor moves only together with everything that was
applied, so a server that goes down midway loses nothing and half-applies nothing (the next sync
reads the same objects again, and applying an unchanged object changes nothing). Notices are
written at the end, in that transaction, through the importer's `Notifier` (the outbox): one
combined message per member per sync. The first sync of a source notifies no one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.metrics import sync_run
from bot.services.importer import ImportReport, Notifier
from bot.services.oparl import records
from bot.services.oparl.apply import SyncApply
from bot.services.oparl.client import OParlClient, ServerDown
from bot.services.oparl.lists import ListProgress, ReadAhead, walk
from bot.services.oparl.values import reference, text
from storage.models import AuditEntry, OParlSource
from storage.queries.oparl import source_by_url, try_sync_lock

# Servers stamp `modified` late (after the commit that made the change): the next sync reads
# from a while before the last one started. Re-reading the overlap is a no-op.
OVERLAP = timedelta(minutes=15)
# PostgreSQL advisory lock key of the sync ("OParl" in a number).
LOCK_KEY = 0x0BA71
ACTOR = "OParl sync"
# Objects applied together: a few statements per batch, not per page (servers send 20 to 1000
# objects per page); memory stays bounded whatever the body's size.
BATCH = 500
# Pages of papers read ahead while the first sync applies the meetings (about 0.3 MB each).
PAPERS_AHEAD = 50

# SQLite serves one instance: an in-process lock keeps a second sync (the interval job and a
# command in the same process) from running at once. PostgreSQL adds an advisory lock, below.
_running = asyncio.Lock()

Progress = Callable[[str, ListProgress], None]


# The cyclic garbage collector's thresholds while a sync runs (CPython's default: 700, 10, 10).
# A sync makes and drops hundreds of thousands of page objects, which reference counting frees;
# at the default, the youngest generation is walked every 700 of them (300 passes and 30 of the
# middle generation per initial sync of 10,000 Vorlagen, 0.1 s), each a stretch the page reader
# waits for.
SYNC_GC_THRESHOLDS = (50_000, 20, 10)


@contextlib.contextmanager
def heap_set_aside() -> Iterator[None]:
    """The objects that exist before the sync are left out of the cyclic garbage collector's
    passes while it runs, and handed back afterwards; the young objects are walked less often
    (`SYNC_GC_THRESHOLDS`).

    A sync keeps tens of thousands of page objects alive at a time (the pages read ahead and
    the batch being applied); as they age into the oldest generation they trigger full
    collections, each of which walks the whole heap of the process (every module, mapper and
    handler): a quarter of a second per initial sync of 10,000 Vorlagen. Frozen, those passes
    walk only what the sync made. Nothing is lost: garbage among the set-aside objects is
    collected after the sync."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*SYNC_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _decoder(name: str, tz: tzinfo) -> Callable[[dict[str, Any]], Any]:
    """How a list's objects are read before they are applied (records.py)."""
    if name == "paper":
        return records.paper
    if name == "meeting":
        return functools.partial(records.meeting, tz=tz)
    return lambda item: item  # organizations: a few, applied as they are


class SyncConfigError(Exception):
    """The configuration does not name one body or organization of the system (exit 2)."""


class SyncBusy(Exception):
    """Another sync is running."""


@dataclass
class SyncResult:
    body: str
    report: ImportReport
    first: bool
    deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unknown_organizations: list[str] = field(default_factory=list)
    requests: int = 0
    lists: dict[str, ListProgress] = field(default_factory=dict)

    def summary(self, tz: Any) -> list[str]:
        lines = self.report.summary(tz)
        notice = lines.pop()
        if self.deleted:
            lines.append(
                f"  - deleted: {', '.join(self.deleted[:6])}"
                + (f" and {len(self.deleted) - 6} more" if len(self.deleted) > 6 else "")
            )
        if self.skipped:
            lines.append(f"Skipped (not found or unreadable): {', '.join(self.skipped[:6])}")
        if self.unknown_organizations:
            names = ", ".join(self.unknown_organizations)
            lines.append(
                f"GREMIENBOT_OPARL_ORGANIZATIONS names no organization of the body: {names}"
            )
        if self.first and not self.report.dry_run:
            notice = "Nobody was notified (first sync of this source)."
        lines.append(notice)
        return lines


async def find_body(client: OParlClient, url: str, wanted: str | None) -> dict[str, Any]:
    """The Body at `url`, or the one of the System at `url` that `wanted` names."""
    data = await client.get_json(url)
    if not isinstance(data, dict):
        raise ServerDown(url, "no OParl object")
    if str(data.get("type", "")).endswith("/Body"):
        return data
    bodies: list[dict[str, Any]] = []
    body_list = reference(data.get("body"))
    if body_list is None:
        raise SyncConfigError(f"GREMIENBOT_OPARL_URL: {url} is neither an OParl System nor a Body.")
    async for page in walk(client, body_list, since=None):
        bodies += [body for body in page if isinstance(body, dict)]
    if wanted:
        wanted_folded = wanted.strip().casefold()
        chosen = [
            body
            for body in bodies
            if wanted.strip() == reference(body)
            or wanted_folded
            in {(text(body.get(f)) or "").casefold() for f in ("name", "shortName")}
        ]
    else:
        chosen = bodies
    if len(chosen) == 1:
        return chosen[0]
    found = "; ".join(f"{text(b.get('name'))} ({reference(b)})" for b in bodies) or "none"
    if not wanted:
        raise SyncConfigError(
            f"GREMIENBOT_OPARL_BODY is not set and the system has several bodies: {found}."
        )
    raise SyncConfigError(
        f"GREMIENBOT_OPARL_BODY: '{wanted}' names no single body; the system has: {found}."
    )


async def sync_oparl(
    sessions: async_sessionmaker[AsyncSession],
    *,
    settings: Settings,
    notifier: Notifier | None = None,
    full: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
    client: OParlClient | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    """Run one sync. Raises SyncConfigError, SyncBusy, or ServerDown (nothing applied then)."""
    url = settings.oparl_url
    if not url:
        raise SyncConfigError("GREMIENBOT_OPARL_URL is not set: give the OParl System or Body URL.")
    if _running.locked():
        raise SyncBusy()
    # Counted and timed as a run of the data source "oparl" (bot/metrics.py).
    async with _running:
        own_client = client is None
        client = client or OParlClient(timeout=settings.oparl_timeout)
        try:
            with sync_run("oparl"), heap_set_aside():
                return await _sync(
                    sessions,
                    client,
                    settings,
                    url,
                    notifier,
                    full,
                    dry_run,
                    now or datetime.now(UTC),
                    progress,
                )
        finally:
            if own_client:
                await client.close()


async def _sync(
    sessions: async_sessionmaker[AsyncSession],
    client: OParlClient,
    settings: Settings,
    url: str,
    notifier: Notifier | None,
    full: bool,
    dry_run: bool,
    now: datetime,
    progress: Progress | None,
) -> SyncResult:
    started_requests = client.requests
    body = await find_body(client, url, settings.oparl_body)
    body_name = text(body.get("name")) or text(body.get("shortName")) or url
    applier: SyncApply | None = None
    async with sessions() as session, contextlib.AsyncExitStack() as readers:
        try:
            if not await try_sync_lock(session, key=LOCK_KEY):
                raise SyncBusy()
            source = await source_by_url(session, url=url)
            if source is None:
                source = OParlSource(url=url, followed=[])
                session.add(source)
            first = source.synced_from is None
            since = None if full or source.synced_from is None else source.synced_from - OVERLAP
            report = ImportReport(source=f"OParl {body_name}", dry_run=dry_run, notify=not first)
            applier = SyncApply(session, report, settings.tz, now)
            result = SyncResult(body=body_name, report=report, first=first)
            await applier.load_organizations()

            def read(name: str, since_: datetime | None, depth: int = 8) -> ReadAhead[Any] | None:
                target = reference(body.get(name))
                if target is None:
                    return None
                counter = result.lists.setdefault(name, ListProgress())
                pages = walk(client, target, since=since_, progress=counter)
                reader = ReadAhead(pages, decode=_decoder(name, settings.tz), depth=depth)
                readers.push_async_callback(reader.close)
                return reader

            async def apply(name: str, pages: ReadAhead[Any] | None, step: Any) -> None:
                if pages is None:
                    return
                async for batch in pages.batches(objects=BATCH):
                    await step(batch)
                    if progress is not None:
                        progress(name, result.lists[name])
                await applier.writes.flush()  # the next list's look-ups see all of this one

            organizations = read("organization", since)
            if first:
                # The first sync reads every list whole, whatever the organizations say: its
                # meetings and papers download from the start (the papers further ahead).
                meetings = read("meeting", None)
                papers = read("paper", None, depth=PAPERS_AHEAD)
            await apply("organization", organizations, applier.organizations)
            followed, result.unknown_organizations = applier.resolve_followed(
                settings.oparl_organizations
            )
            applier.followed = followed
            applier.newly_followed = set() if first else followed - set(source.followed)
            # A newly followed organization's history is not in the modified window: read it all.
            content_since = None if applier.newly_followed else since
            if first:
                # Nobody is told of the first sync: its meetings go first, while the papers
                # download; the agendas and the papers they name are linked at the end. A body
                # has far fewer meetings than papers, and these cost more per object: applied
                # after the papers they were the sync's tail.
                await apply("meeting", meetings, applier.meetings)
                await apply("paper", papers, applier.papers)
            else:
                # The papers first, so that a changed agenda is told with the Vorlagen it
                # names; the meetings download meanwhile.
                papers, meetings = read("paper", content_since), read("meeting", content_since)
                await apply("paper", papers, applier.papers)
                await apply("meeting", meetings, applier.meetings)
            await applier.link_agendas()
            applier.drop_silent()
            if report.notify and notifier is not None and not report.is_empty:
                report.notified = await notifier(session, report)
            source.synced_from = now
            source.followed = sorted(followed)
            source.body_oparl_id = reference(body)
            source.updated_at = now
            result.deleted, result.skipped = applier.deleted, applier.skipped
            session.add(
                AuditEntry(
                    at=now,
                    actor_id=None,
                    actor_name=ACTOR,
                    action="sync",
                    detail=report.one_line()
                    + (f"; {len(applier.deleted)} deleted" if applier.deleted else ""),
                    data={"source": url, "first": first, "notified": report.notified},
                )
            )
            await session.flush()
        except BaseException:
            if applier is not None:
                await applier.writes.abandon()  # the session is free once its write ended
            await session.rollback()
            raise
        if dry_run:
            await session.rollback()
        else:
            await session.commit()
    result.requests = client.requests - started_requests
    return result
