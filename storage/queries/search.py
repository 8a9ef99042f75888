"""Search over Vorlagen, meetings and agenda items, and looking up a Vorlage by its number.

Every word must match, each in any field of the same hit: a Vorlage's reference, title,
proposed resolution and summary; a meeting's title, place and committee; an agenda item's
title. Matching is case- and umlaut-tolerant on SQLite and PostgreSQL alike: both sides are
*folded* — soft hyphens dropped, ä/ö/ü/ß written ae/oe/ue/ss, lower case — so "Jugendhilfe"
finds "Jugend­hilfe" and "Aemter" finds "Ämter". (SQLite's lower() knows ASCII letters only,
so the capital umlauts are replaced before it.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from storage.models import AgendaItem, Meeting, Organization, Paper
from storage.queries.council import Page

FOLDS = (
    ("\u00ad", ""),  # soft hyphen
    ("Ä", "ae"),
    ("Ö", "oe"),
    ("Ü", "ue"),
    ("ä", "ae"),
    ("ö", "oe"),
    ("ü", "ue"),
    ("ß", "ss"),
)

Hit = Paper | Meeting | AgendaItem


def fold(text: str) -> str:
    """The folded form of a search word (the same folding the database applies)."""
    for old, new in FOLDS:
        text = text.replace(old, new)
    return text.lower()


def _folded(column: Any) -> Any:
    for old, new in FOLDS:
        column = func.replace(column, old, new)
    return func.lower(column)


def _contains(columns: list[Any], word: str) -> ColumnElement[bool]:
    folded = fold(word)
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(
        *(func.coalesce(_folded(column), "").like(pattern, escape="\\") for column in columns)
    )


def _all_words(columns: list[Any], words: list[str]) -> ColumnElement[bool]:
    return and_(*(_contains(columns, word) for word in words))


async def _count(session: AsyncSession, query: Select[Any]) -> int:
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return int((await session.execute(counted)).scalar_one())


async def search(
    session: AsyncSession, *, text: str, limit: int = 10, offset: int = 0
) -> Page[Hit]:
    """Vorlagen (newest first), then meetings (latest first), then agenda items (of the latest
    meetings first) that contain every word of `text`; one page over the three lists."""
    words = text.split()
    if not words:
        return Page(items=[], total=0, offset=offset, limit=limit)
    papers = (
        select(Paper)
        .where(_all_words([Paper.reference, Paper.name, Paper.proposal, Paper.summary], words))
        .order_by(Paper.date.desc().nulls_last(), Paper.reference.desc())
    )
    meetings = (
        select(Meeting)
        .join(Organization, Meeting.organization_id == Organization.id)
        .where(_all_words([Meeting.name, Meeting.location, Organization.name], words))
        .order_by(Meeting.start.desc(), Meeting.id.desc())
    )
    items = (
        select(AgendaItem)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(_all_words([AgendaItem.name], words))
        .options(joinedload(AgendaItem.meeting))
        .order_by(Meeting.start.desc(), AgendaItem.position)
    )
    sources: list[tuple[Select[Any], int]] = []
    total = 0
    for query in (papers, meetings, items):
        count = await _count(session, query)
        sources.append((query, count))
        total += count
    found: list[Hit] = []
    skip = offset
    for query, count in sources:
        if skip >= count:
            skip -= count
            continue
        wanted = limit - len(found)
        if wanted <= 0:
            break
        rows = (await session.execute(query.limit(wanted).offset(skip))).unique().scalars()
        found += list(rows)
        skip = 0
    return Page(items=found, total=total, offset=offset, limit=limit)


async def latest_papers(session: AsyncSession, *, limit: int) -> list[Paper]:
    """The newest Vorlagen (by date, then reference)."""
    query = (
        select(Paper)
        .order_by(Paper.date.desc().nulls_last(), Paper.reference.desc(), Paper.id.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).unique().scalars())


async def papers_numbered(session: AsyncSession, *, number: str, limit: int) -> list[Paper]:
    """Vorlagen whose reference ends in this number after a separator ("…/144", "…-144"),
    newest first; the caller compares the parts exactly."""
    ends = or_(*(Paper.reference.endswith(f"{sep}{number}", autoescape=True) for sep in "/-. "))
    query = (
        select(Paper)
        .where(ends)
        .order_by(Paper.date.desc().nulls_last(), Paper.reference.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).unique().scalars())
