"""Queries about council data for the chat and the feeds: meetings with agendas, papers, search.

Upcoming and past meetings (paged), the next session's agenda, a paper with its
Beratungsfolge and files (the search is in storage/queries/search.py). Members may see every
meeting; `public_only=True` is for the public calendar feed. Look-ups by the import file's
keys are in storage/queries/council_keys.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage.models import (
    AgendaItem,
    Consultation,
    Meeting,
    MeetingKind,
    Organization,
    Paper,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a longer list; `total` counts all matches."""

    items: list[T]
    total: int
    offset: int
    limit: int

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


# --- meetings ---------------------------------------------------------------------------


def _with_agenda(query: Select[Meeting]) -> Select[Meeting]:
    return query.options(
        selectinload(Meeting.agenda_items).joinedload(AgendaItem.paper),
    )


async def meeting_by_key(session: AsyncSession, *, key: str) -> Meeting | None:
    """One meeting with its agenda (items in order, each with its paper)."""
    query = _with_agenda(select(Meeting).where(Meeting.key == key))
    return (await session.execute(query)).unique().scalar_one_or_none()


async def meeting_by_id(session: AsyncSession, *, meeting_id: int) -> Meeting | None:
    """One meeting with its agenda (items in order, each with its paper) and its own
    documents (without their content)."""
    query = _with_agenda(select(Meeting).where(Meeting.id == meeting_id)).options(
        selectinload(Meeting.files)
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


def _meeting_filters(
    *, public_only: bool, organization_key: str | None, kind: MeetingKind | None
) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if public_only:
        filters.append(Meeting.public.is_(True))
    if organization_key is not None:
        filters.append(
            Meeting.organization_id.in_(
                select(Organization.id).where(Organization.key == organization_key)
            )
        )
    if kind is not None:
        filters.append(Meeting.kind == kind)
    return filters


def _not_over(now: datetime) -> ColumnElement[bool]:
    """Starts later, or has started and not ended yet (a meeting in progress still counts)."""
    return or_(Meeting.start >= now, and_(Meeting.end.is_not(None), Meeting.end > now))


async def _page(
    session: AsyncSession,
    filters: list[ColumnElement[bool]],
    order: list[Any],
    *,
    limit: int,
    offset: int,
) -> Page[Meeting]:
    total = (
        await session.execute(select(func.count()).select_from(Meeting).where(*filters))
    ).scalar_one()
    query = select(Meeting).where(*filters).order_by(*order).limit(limit).offset(offset)
    items = list((await session.execute(query)).unique().scalars())
    return Page(items=items, total=total, offset=offset, limit=limit)


async def upcoming_meetings(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int = 10,
    offset: int = 0,
    public_only: bool = False,
    organization_key: str | None = None,
    kind: MeetingKind | None = None,
) -> Page[Meeting]:
    """Meetings not over yet, soonest first; cancelled ones included (shown as cancelled)."""
    filters = [
        _not_over(now),
        *_meeting_filters(public_only=public_only, organization_key=organization_key, kind=kind),
    ]
    return await _page(session, filters, [Meeting.start, Meeting.id], limit=limit, offset=offset)


async def past_meetings(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int = 10,
    offset: int = 0,
    public_only: bool = False,
    organization_key: str | None = None,
    kind: MeetingKind | None = None,
) -> Page[Meeting]:
    """Meetings that are over, latest first."""
    filters = [
        ~_not_over(now),
        *_meeting_filters(public_only=public_only, organization_key=organization_key, kind=kind),
    ]
    return await _page(
        session, filters, [Meeting.start.desc(), Meeting.id.desc()], limit=limit, offset=offset
    )


async def session_agenda(
    session: AsyncSession,
    *,
    now: datetime,
    tz: tzinfo,
    day: date | None = None,
    organization_key: str | None = None,
    public_only: bool = False,
) -> Meeting | None:
    """A session (kind `session`) with its agenda loaded.

    Without `day`: the next session that is not over and not cancelled. With `day` (a
    local date in `tz`): the first session on that day, cancelled or not, so that asking
    for a date shows that it was cancelled.
    """
    filters = _meeting_filters(
        public_only=public_only, organization_key=organization_key, kind=MeetingKind.SESSION
    )
    if day is None:
        filters += [_not_over(now), Meeting.cancelled.is_(False)]
    else:
        day_start = datetime.combine(day, time(), tzinfo=tz)
        day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
        filters += [Meeting.start >= day_start, Meeting.start < day_end]
    query = _with_agenda(select(Meeting).where(*filters).order_by(Meeting.start, Meeting.id))
    return (await session.execute(query.limit(1))).unique().scalars().first()


# --- papers -----------------------------------------------------------------------------


async def paper_by_reference(session: AsyncSession, *, reference: str) -> Paper | None:
    """A paper with its Beratungsfolge (consultations in order, each with its committee) and
    its files (without their content, which is loaded only to send it)."""
    query = (
        select(Paper)
        .where(Paper.reference == reference.strip())
        .options(selectinload(Paper.consultations), selectinload(Paper.files))
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def agenda_items_for_paper(session: AsyncSession, *, paper_id: int) -> list[AgendaItem]:
    """Where the paper is on an agenda (each item with its meeting), in date order."""
    query = (
        select(AgendaItem)
        .join(Meeting, AgendaItem.meeting_id == Meeting.id)
        .where(AgendaItem.paper_id == paper_id)
        .options(joinedload(AgendaItem.meeting))
        .order_by(Meeting.start, AgendaItem.position)
    )
    return list((await session.execute(query)).unique().scalars())


@dataclass(frozen=True)
class PaperDetails:
    """Everything the chat shows about one paper."""

    paper: Paper  # with consultations (each with its organization), files and originator
    meetings: dict[int, Meeting]  # the meetings its consultations name, by id
    agenda_items: list[AgendaItem]  # where it is on an agenda, each with its meeting

    def meeting_of(self, consultation: Consultation) -> Meeting | None:
        if consultation.meeting_id is None:
            return None
        return self.meetings.get(consultation.meeting_id)


async def paper_reference(session: AsyncSession, *, paper_id: int) -> str | None:
    """The reference of a paper by its id (buttons carry ids: references are free text)."""
    query = select(Paper.reference).where(Paper.id == paper_id)
    return (await session.execute(query)).scalar_one_or_none()


async def paper_details(session: AsyncSession, *, reference: str) -> PaperDetails | None:
    paper = await paper_by_reference(session, reference=reference)
    if paper is None:
        return None
    meeting_ids = {c.meeting_id for c in paper.consultations if c.meeting_id is not None}
    meetings: dict[int, Meeting] = {}
    if meeting_ids:
        query = select(Meeting).where(Meeting.id.in_(meeting_ids))
        meetings = {m.id: m for m in (await session.execute(query)).unique().scalars()}
    agenda = await agenda_items_for_paper(session, paper_id=paper.id)
    return PaperDetails(paper=paper, meetings=meetings, agenda_items=agenda)


async def all_meetings(session: AsyncSession, *, limit: int = 10, offset: int = 0) -> Page[Meeting]:
    """Every meeting, past and upcoming, latest first (/termine alle)."""
    return await _page(
        session, [], [Meeting.start.desc(), Meeting.id.desc()], limit=limit, offset=offset
    )
