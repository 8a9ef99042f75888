"""Queries for the calendar feeds: which meetings, agenda items and answers a feed shows.

Agenda items and attendances are read as plain rows (not ORM objects with their joined
relationships): a feed reads thousands of them and needs a few columns each.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Date, Select, String, bindparam, cast, func, literal, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import raiseload
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import NullType

from storage.feed_versions import COUNCIL, PEOPLE
from storage.models import (
    AgendaItem,
    Attendance,
    FeedVersion,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
    Person,
)
from storage.queries.members import active_member_ids

_RAW = NullType()  # no result processing: the value as the driver returns it


class AgendaLine(NamedTuple):
    """One agenda item as a calendar shows it."""

    number: str
    name: str
    public: bool
    updated_at: datetime


def _public_sessions(committee_id: int | None) -> Select[Meeting]:
    """Public sessions of committees (of one committee if given); never anything else."""
    query = (
        select(Meeting)
        .join(Organization, Meeting.organization_id == Organization.id)
        .where(
            Meeting.public.is_(True),
            Meeting.kind == MeetingKind.SESSION,
            Organization.kind == OrganizationKind.COMMITTEE,
        )
    )
    if committee_id is not None:
        query = query.where(Meeting.organization_id == committee_id)
    return query


async def committees(session: AsyncSession) -> list[Organization]:
    """Every committee (a handful), ordered by key."""
    query = select(Organization).where(Organization.kind == OrganizationKind.COMMITTEE)
    return list((await session.execute(query.order_by(Organization.key))).scalars())


async def public_sessions(
    session: AsyncSession, *, committee_id: int | None = None
) -> list[Meeting]:
    """Public committee sessions (of one committee if given), ordered by start then id."""
    query = _public_sessions(committee_id).order_by(Meeting.start, Meeting.id)
    return list((await session.execute(query)).scalars().unique())


async def all_meetings(session: AsyncSession) -> list[Meeting]:
    """Every meeting of every kind, public or not (what a member may see)."""
    query = select(Meeting).order_by(Meeting.start, Meeting.id)
    return list((await session.execute(query)).scalars().unique())


def _agenda_lines() -> Select[int, str, str, bool, datetime]:
    return select(
        AgendaItem.meeting_id,
        AgendaItem.number,
        AgendaItem.name,
        AgendaItem.public,
        AgendaItem.updated_at,
    ).order_by(AgendaItem.meeting_id, AgendaItem.position, AgendaItem.id)


async def agenda_lines(
    session: AsyncSession, *, public_only: bool = False, committee_id: int | None = None
) -> dict[int, list[AgendaLine]]:
    """Agenda items by meeting id, in agenda order.

    With `public_only`: only public items of public committee sessions (of one committee if
    `committee_id` is given). Without: every item of every meeting.
    """
    query = _agenda_lines()
    if public_only:
        meeting_ids = _public_sessions(committee_id).with_only_columns(Meeting.id)
        query = query.where(AgendaItem.public.is_(True), AgendaItem.meeting_id.in_(meeting_ids))
    by_meeting: dict[int, list[AgendaLine]] = defaultdict(list)
    for meeting_id, number, name, public, updated_at in await session.execute(query):
        by_meeting[meeting_id].append(AgendaLine(number, name, public, updated_at))
    return by_meeting


async def agenda_of(session: AsyncSession, *, meeting_id: int) -> list[AgendaLine]:
    """One meeting's whole agenda, in order."""
    query = _agenda_lines().where(AgendaItem.meeting_id == meeting_id)
    rows = await session.execute(query)
    return [AgendaLine(number, name, public, stamp) for _, number, name, public, stamp in rows]


async def attendances_of(session: AsyncSession, *, person_id: int) -> dict[int, Attendance]:
    """This person's own answers, by meeting id (nobody else's)."""
    query = (
        select(Attendance)
        .where(Attendance.person_id == person_id)
        .options(raiseload(Attendance.meeting), raiseload(Attendance.person))
    )
    rows = (await session.execute(query)).scalars()
    return {attendance.meeting_id: attendance for attendance in rows}


async def member_by_calendar_secret_hash(
    session: AsyncSession, *, secret_hash: str, group_key: str, today: date
) -> Person | None:
    """The current, not erased member whose feed secret has this SHA-256, or None."""
    query = select(Person).where(
        Person.calendar_secret_hash == secret_hash,
        Person.erased_at.is_(None),
        Person.id.in_(active_member_ids(group_key, today)),
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


def _counter(scope: Any) -> Any:
    return (
        select(func.coalesce(func.max(FeedVersion.version), 0))
        .where(FeedVersion.scope == scope)
        .scalar_subquery()
    )


class FeedMember(NamedTuple):
    """What a personal feed's revalidation needs of its member."""

    id: int
    name: str
    language: str | None
    telegram_language: str | None
    calendar_secret_hash: str | None


def _member_with_feed_versions() -> Select[Any]:
    person_scope = literal("person:", String).concat(cast(Person.id, String))
    return select(
        Person.id,
        Person.name,
        Person.language,
        Person.telegram_language,
        Person.calendar_secret_hash,
        _counter(literal(COUNCIL)),
        _counter(literal(PEOPLE)),
        _counter(person_scope),
    ).where(
        Person.calendar_secret_hash == bindparam("secret_hash", type_=String),
        Person.erased_at.is_(None),
        Person.id.in_(
            active_member_ids(bindparam("group_key", type_=String), bindparam("today", type_=Date))  # type: ignore[arg-type]
        ),
    )


# Built once: a revalidation is answered thousands of times a second, and building the
# statement would cost more than running it.
_MEMBER_WITH_FEED_VERSIONS = _member_with_feed_versions()


async def member_with_feed_versions(
    session: AsyncSession, *, secret_hash: str, group_key: str, today: date
) -> tuple[FeedMember, tuple[int, int, int]] | None:
    """Like `member_by_calendar_secret_hash`, with the change counters of the member's feed
    (council, people, person:<id>) read in the same query: what a revalidation costs."""
    params = {"secret_hash": secret_hash, "group_key": group_key, "today": today}
    bind = session.bind
    if isinstance(bind, AsyncEngine) and bind.dialect.name == "sqlite":
        # A connection of its own, outside the session's transaction: nothing to roll back.
        async with bind.connect() as connection:
            row = await _sqlite_one(connection, params)
    else:
        row = (await session.execute(_MEMBER_WITH_FEED_VERSIONS, params)).one_or_none()
    if row is None:
        return None
    return FeedMember(*row[:5]), (int(row[5]), int(row[6]), int(row[7]))


async def _sqlite_one(connection: AsyncConnection, params: dict[str, Any]) -> Any:
    """The revalidation query straight through aiosqlite: one hop to its thread instead of
    the half a dozen a result through SQLAlchemy takes, which on a busy machine costs more
    than the HTTP round trip. Read-only, outside any write: it sees the latest commit."""
    global _SQLITE_COMPILED
    if _SQLITE_COMPILED is None:
        compiled = _MEMBER_WITH_FEED_VERSIONS.compile(dialect=connection.dialect)
        assert isinstance(compiled, SQLCompiler)
        _SQLITE_COMPILED = compiled
    compiled = _SQLITE_COMPILED
    values = compiled.construct_params({**params, "today": params["today"].isoformat()})
    assert values is not None and compiled.positiontup is not None
    arguments = [values[name] for name in compiled.positiontup]
    raw = await connection.get_raw_connection()
    rows = await raw.driver_connection.execute_fetchall(str(compiled), arguments)  # type: ignore[union-attr]
    return rows[0] if rows else None


_SQLITE_COMPILED: SQLCompiler | None = None


# Versions: for each row a feed shows, its id and update time. Any insert, update or delete
# changes this list, so its hash tells whether a cached feed is still current. The update
# times are read as the driver returns them (type_coerce skips the UTC conversion): only
# equality matters here, and the conversion would cost more than the rest of the query.


def _raw(column: Any, label: str) -> Any:
    return type_coerce(column, _RAW).label(label)


async def meeting_versions(
    session: AsyncSession, *, public_only: bool, committee_id: int | None = None
) -> list[tuple[object, ...]]:
    """(meeting id, its update time, its organization's update time) of the feed's meetings."""
    query = (
        select(
            Meeting.id,
            _raw(Meeting.updated_at, "meeting"),
            _raw(Organization.updated_at, "organization"),
        )
        .join(Organization, Meeting.organization_id == Organization.id)
        .order_by(Meeting.id)
    )
    if public_only:
        meeting_ids = _public_sessions(committee_id).with_only_columns(Meeting.id)
        query = query.where(Meeting.id.in_(meeting_ids))
    return [tuple(row) for row in await session.execute(query)]


async def agenda_versions(
    session: AsyncSession, *, public_only: bool, committee_id: int | None = None
) -> list[tuple[object, ...]]:
    """(agenda item id, its update time) of the feed's agenda items."""
    query = select(AgendaItem.id, _raw(AgendaItem.updated_at, "item")).order_by(AgendaItem.id)
    if public_only:
        meeting_ids = _public_sessions(committee_id).with_only_columns(Meeting.id)
        query = query.where(AgendaItem.public.is_(True), AgendaItem.meeting_id.in_(meeting_ids))
    return [tuple(row) for row in await session.execute(query)]
