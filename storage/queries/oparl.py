"""Look-ups and bulk writes of the OParl sync: rows by OParl id, adoption candidates, the cursor."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, any_, delete, or_, select, text, update
from sqlalchemy import cast as cast_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from storage.feed_versions import COUNCIL, raise_versions
from storage.models import (
    AgendaItem,
    Consultation,
    File,
    Meeting,
    OParlSource,
    Organization,
    Paper,
)
from storage.queries.oparl_bulk import (
    converted,
    driver_connection,
    json_columns,
    sqlite_rows,
)


def _one_of(session: AsyncSession, column: Any, values: Collection[str]) -> Any:
    """`column IN (values)`; on PostgreSQL `column = ANY(array)`, one parameter.

    An IN list is one parameter per value, and PostgreSQL's plan for it, cached after five
    runs while the sync's tables were still empty, compares every row with every value
    (75 ms per page at 10,000 papers). One array parameter keeps an index look-up.
    """
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(cast_(list(values), ARRAY(column.type)))
    return column.in_(list(values))


def _table(model: Any) -> Table:
    """A model's Table, for Core statements that leave the session's objects alone."""
    return cast(Table, model.__table__)


async def source_by_url(session: AsyncSession, *, url: str) -> OParlSource | None:
    query = select(OParlSource).where(OParlSource.url == url)
    return (await session.execute(query)).scalar_one_or_none()


async def try_sync_lock(session: AsyncSession, *, key: int) -> bool:
    """PostgreSQL: a transaction-level advisory lock, so one sync runs at a time across every
    instance; released by the commit or rollback. Other engines: always True (the caller holds
    an in-process lock instead; SQLite serves one instance)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    result = await session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key})
    if not result.scalar():
        return False
    # The sync's look-ups run while their tables grow from nothing and before autovacuum has
    # counted their rows: at the default random_page_cost of 4 PostgreSQL then prefers reading
    # the whole table for each page's look-up. 1.1 is the usual setting for SSDs.
    await session.execute(text("SET LOCAL random_page_cost = 1.1"))
    return True


async def all_organizations(session: AsyncSession) -> list[Organization]:
    return list((await session.execute(select(Organization))).scalars())


class MeetingIdentity(NamedTuple):
    key: str
    id: int
    start: datetime
    cancelled: bool


async def meeting_keys_by_oparl_ids(
    session: AsyncSession, *, oparl_ids: Collection[str]
) -> dict[str, MeetingIdentity]:
    """Key, id, start and cancelled of the meetings with these OParl ids."""
    if not oparl_ids:
        return {}
    query = select(
        Meeting.oparl_id, Meeting.key, Meeting.id, Meeting.start, Meeting.cancelled
    ).where(_one_of(session, Meeting.oparl_id, oparl_ids))
    return {
        row[0] or "": MeetingIdentity(row[1], row[2], row[3], row[4])
        for row in (await session.execute(query)).all()
    }


async def unsynced_meetings_at(
    session: AsyncSession, *, slots: Collection[tuple[int, datetime]]
) -> dict[tuple[int, datetime], str]:
    """Keys of meetings without an OParl id at (organization id, start): to adopt them."""
    if not slots:
        return {}
    starts = {start for _, start in slots}
    query = select(Meeting.organization_id, Meeting.start, Meeting.key).where(
        Meeting.oparl_id.is_(None), Meeting.start.in_(starts)
    )
    wanted = set(slots)
    found: dict[tuple[int, datetime], str] = {}
    for organization_id, start, key in (await session.execute(query)).all():
        if (organization_id, start) in wanted:
            found[(organization_id, start)] = key
    return found


async def meeting_keys_with_prefixes(
    session: AsyncSession, *, prefixes: Collection[str]
) -> set[str]:
    """The meeting keys that are one of `prefixes` or start with one (a "-2" twin of it).

    Only prefixes taken as keys themselves can have twins: one indexed IN query for all, then
    prefix scans for the few taken ones (an OR of prefix scans reads the whole table).
    """
    if not prefixes:
        return set()
    taken = set(
        (
            await session.execute(
                select(Meeting.key).where(_one_of(session, Meeting.key, prefixes))
            )
        ).scalars()
    )
    if taken:
        query = select(Meeting.key).where(or_(*(Meeting.key.startswith(p) for p in taken)))
        taken |= set((await session.execute(query)).scalars())
    return taken


async def paper_identities(
    session: AsyncSession, *, oparl_ids: Collection[str], references: Collection[str]
) -> list[tuple[str | None, str]]:
    """(OParl id, reference) of the papers with one of these OParl ids or references: which
    rows a page's papers are, and who owns a reference (to adopt it or to refuse a clash)."""
    found: set[tuple[str | None, str]] = set()
    # Two indexed look-ups: PostgreSQL plans the OR of both as a scan of the whole table.
    for column, values in ((Paper.oparl_id, oparl_ids), (Paper.reference, references)):
        if values:
            query = select(Paper.oparl_id, Paper.reference).where(_one_of(session, column, values))
            found.update((row[0], row[1]) for row in (await session.execute(query)).all())
    return sorted(found, key=lambda row: row[1])


async def consultation_papers(
    session: AsyncSession, *, oparl_ids: Collection[str]
) -> dict[str, tuple[int, str, int]]:
    """Consultation id, paper reference and paper id by the consultation's OParl id."""
    if not oparl_ids:
        return {}
    query = (
        select(Consultation.oparl_id, Consultation.id, Paper.reference, Paper.id)
        .join(Paper, Paper.id == Consultation.paper_id)
        .where(_one_of(session, Consultation.oparl_id, oparl_ids))
    )
    rows = (await session.execute(query)).all()
    return {oparl_id or "": (found, ref, paper_id) for oparl_id, found, ref, paper_id in rows}


async def paper_names(session: AsyncSession, *, ids: Collection[int]) -> dict[int, str]:
    """The titles of these papers by id."""
    if not ids:
        return {}
    query = select(Paper.id, Paper.name).where(Paper.id.in_(set(ids)))
    return {paper_id: name for paper_id, name in (await session.execute(query)).all()}


async def link_consultations(
    session: AsyncSession, *, links: list[tuple[int, int, object]]
) -> None:
    """Fill in the meeting (and day) of consultations that a meeting's agenda names, in one
    statement, below the ORM (an ORM update would evaluate every object in the session). A
    consultation named by two agendas (a postponed item) takes the first."""
    first: dict[int, tuple[int, int, object]] = {}
    for link in links:
        first.setdefault(link[0], link)
    links = list(first.values())
    if not links:
        return
    table = _table(Consultation)
    consultation, meeting, day = (list(column) for column in zip(*links, strict=True))
    if session.get_bind().dialect.name == "postgresql":
        # One statement over arrays: asyncpg's executemany costs a round trip per row. A text
        # statement is not seen by the feed counters' session events: raised here.
        await session.run_sync(raise_versions, [COUNCIL])
        await session.execute(
            text(
                "UPDATE consultations SET meeting_id = link.meeting, date = link.day"
                " FROM unnest(CAST(:consultation AS integer[]), CAST(:meeting AS integer[]),"
                " CAST(:day AS date[])) AS link(consultation, meeting, day)"
                " WHERE consultations.id = link.consultation AND consultations.meeting_id IS NULL"
            ),
            {"consultation": consultation, "meeting": meeting, "day": day},
        )
        return
    # SQLite: one statement over a JSON array, below SQLAlchemy (see oparl_bulk.json_rows).
    raw, dialect = await driver_connection(session)
    days = converted(table.c.date, dialect, day)
    names = ["consultation", "meeting", "day"]
    await sqlite_rows(
        raw,
        list(zip(consultation, meeting, days, strict=True)),
        each="UPDATE consultations SET meeting_id = ?2, date = ?3"
        " WHERE id = ?1 AND meeting_id IS NULL",
        at_once="UPDATE consultations SET meeting_id = link.meeting, date = link.day"
        f" FROM (SELECT {json_columns(names)} FROM json_each(?)) link"
        " WHERE consultations.id = link.consultation AND consultations.meeting_id IS NULL",
    )


async def link_agenda_papers(session: AsyncSession) -> None:
    """Agenda items without a Vorlage take that of the consultation they name, once it is there
    (an agenda read before the Vorlage it deals with): one statement over the table."""
    items, consultations = _table(AgendaItem), _table(Consultation)
    if session.get_bind().dialect.name == "postgresql":
        # UPDATE … FROM, a join: the correlated form below took 0.8 s for 20,000 items there.
        await session.execute(
            update(items)
            .where(
                items.c.paper_id.is_(None),
                items.c.consultation_oparl_id == consultations.c.oparl_id,
            )
            .values(paper_id=consultations.c.paper_id)
        )
        return
    # SQLite: the correlated form, which every version of it understands.
    paper = (
        select(consultations.c.paper_id)
        .where(consultations.c.oparl_id == items.c.consultation_oparl_id)
        .scalar_subquery()
    )
    await session.execute(
        update(items)
        .where(
            items.c.paper_id.is_(None),
            items.c.consultation_oparl_id.in_(select(consultations.c.oparl_id)),
        )
        .values(paper_id=paper)
    )


async def consultations_on_agendas(
    session: AsyncSession,
) -> list[tuple[int, int, datetime]]:
    """(consultation id, meeting id, meeting start) of consultations without a meeting that an
    agenda item names (the first item first): their meeting, read before them."""
    query = (
        select(Consultation.id, AgendaItem.meeting_id, Meeting.start)
        .join(AgendaItem, AgendaItem.consultation_oparl_id == Consultation.oparl_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(Consultation.meeting_id.is_(None))
        .order_by(AgendaItem.id)
    )
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]


async def files_of_papers(
    session: AsyncSession, *, paper_ids: Collection[int]
) -> dict[int, dict[str, File]]:
    """The synced documents of these papers by paper id and OParl id."""
    if not paper_ids:
        return {}
    query = select(File).where(File.paper_id.in_(paper_ids), File.oparl_id.is_not(None))
    found: dict[int, dict[str, File]] = {}
    for file in (await session.execute(query)).scalars():
        found.setdefault(file.paper_id or 0, {})[file.oparl_id or ""] = file
    return found


async def files_of_meetings(
    session: AsyncSession, *, meeting_ids: Collection[int]
) -> dict[int, dict[str, File]]:
    """The synced documents of these meetings by meeting id and OParl id."""
    if not meeting_ids:
        return {}
    query = select(File).where(File.meeting_id.in_(meeting_ids), File.oparl_id.is_not(None))
    found: dict[int, dict[str, File]] = {}
    for file in (await session.execute(query)).scalars():
        found.setdefault(file.meeting_id or 0, {})[file.oparl_id or ""] = file
    return found


async def delete_papers_by_oparl_ids(
    session: AsyncSession, *, oparl_ids: Collection[str]
) -> list[str]:
    """Delete these papers (agenda items keep their text, lose the link); their references."""
    if not oparl_ids:
        return []
    rows = (
        await session.execute(
            select(Paper.id, Paper.reference).where(Paper.oparl_id.in_(oparl_ids))
        )
    ).all()
    ids = [row[0] for row in rows]
    if ids:
        # Core statements (no evaluation of the session's objects); the rows are gone for good.
        items, files = _table(AgendaItem), _table(File)
        consultations, papers = _table(Consultation), _table(Paper)
        await session.execute(update(items).where(items.c.paper_id.in_(ids)).values(paper_id=None))
        await session.execute(delete(files).where(files.c.paper_id.in_(ids)))
        await session.execute(delete(consultations).where(consultations.c.paper_id.in_(ids)))
        await session.execute(delete(papers).where(papers.c.id.in_(ids)))
    return [row[1] for row in rows]


async def follow_meeting_day(session: AsyncSession, *, meeting_id: int, day: object) -> None:
    """A moved meeting's consultations take its new day (as the Beratungsfolge shows it)."""
    table = _table(Consultation)
    await session.execute(update(table).where(table.c.meeting_id == meeting_id).values(date=day))


async def file_for_sending(
    session: AsyncSession, *, file_id: int
) -> tuple[str, bytes | None, str | None] | None:
    """A document's name, its stored content (None for a synced one not fetched yet) and the
    URL to fetch it from."""
    query = select(File.file_name, File.content, File.access_url).where(File.id == file_id)
    row = (await session.execute(query)).one_or_none()
    return None if row is None else (row[0], row[1], row[2])


async def keep_file_content(
    session: AsyncSession, *, file_id: int, content: bytes, mime_type: str | None, sha256: str
) -> None:
    """Keep a fetched document, so the next tap (and a restart) needs no download."""
    values: dict[str, object] = {"content": content, "size": len(content), "sha256": sha256}
    if mime_type:
        values["mime_type"] = mime_type[:100]
    await session.execute(update(File).where(File.id == file_id).values(**values))
