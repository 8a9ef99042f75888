"""Build the feeds: load what each reader may see, render it, stamp it with ETag and time.

Public feeds: public committee sessions with their public agenda items. Personal feed:
every meeting, the whole agenda, and the member's own answers, for a current member only.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import person_language
from bot.services.calendar.cache import Feed, FeedCache, Validators, version_of
from bot.services.calendar.render import (
    RenderOptions,
    event_stamp,
    render_personal_calendar,
    render_public_calendar,
    render_single_event,
    text,
)
from bot.services.invites import hash_token
from storage.feed_versions import COUNCIL, PEOPLE, person_scope
from storage.models import Attendance, Meeting, Organization, Person
from storage.queries import calendar as queries
from storage.queries.calendar import AgendaLine, FeedMember
from storage.queries.feed_versions import feed_versions

# Longer than any secret we issue; anything longer is not looked up at all.
MAX_SECRET_LENGTH = 128


def _feed(
    body: bytes,
    meetings: Iterable[Meeting],
    agendas: Mapping[int, Sequence[AgendaLine]],
    attendances: Mapping[int, Attendance],
    *,
    personal: bool,
) -> Feed:
    stamps = [
        event_stamp(meeting, agendas.get(meeting.id, ()), attendances.get(meeting.id))
        for meeting in meetings
    ]
    return Feed(
        body=body,
        etag='"' + hashlib.sha256(body).hexdigest() + '"',
        last_modified=max(stamps) if stamps else None,
        personal=personal,
    )


async def public_feed(
    session: AsyncSession,
    *,
    settings: Settings,
    bot_username: str | None,
    cache: FeedCache | None = None,
) -> Feed:
    """All committees' public sessions."""
    title = text(settings.language, "calendar.name_public")
    return await _public(session, settings, bot_username, cache, committee_id=None, title=title)


async def _committee(session: AsyncSession, key: str) -> Organization | None:
    """The committee with this key, matched here, not in SQL: the same path may carry a
    member's secret, and a driver's debug log would print it as a query parameter."""
    return next((c for c in await queries.committees(session) if c.key == key), None)


async def committee_feed(
    session: AsyncSession,
    *,
    settings: Settings,
    key: str,
    bot_username: str | None,
    cache: FeedCache | None = None,
) -> Feed | None:
    """One committee's public sessions; None for a key that is not a committee."""
    committee = await _committee(session, key)
    if committee is None:
        return None
    title = text(settings.language, "calendar.name_committee", committee=committee.name)
    return await _public(
        session, settings, bot_username, cache, committee_id=committee.id, title=title
    )


async def _public_version(options: RenderOptions, title: str, session: AsyncSession) -> int:
    counters = await feed_versions(session, scopes=[COUNCIL])
    return version_of(_render_inputs(options, title), counters)


async def _public(
    session: AsyncSession,
    settings: Settings,
    bot_username: str | None,
    cache: FeedCache | None,
    *,
    committee_id: int | None,
    title: str,
) -> Feed:
    options = RenderOptions(tz=settings.tz, language=settings.language, bot_username=bot_username)
    key = f"public:{committee_id or 'all'}"
    version = 0
    if cache is not None:
        version = await _public_version(options, title, session)  # before the rows
        if (cached := cache.lookup(key, version)) is not None:
            return cached
    meetings = await queries.public_sessions(session, committee_id=committee_id)
    agendas = await queries.agenda_lines(session, public_only=True, committee_id=committee_id)

    def render() -> Feed:
        body = render_public_calendar(meetings, agendas, name=title, options=options)
        return _feed(body, meetings, agendas, {}, personal=False)

    # Off the event loop: a feed of a thousand meetings takes a quarter of a second.
    feed = await asyncio.to_thread(render)
    if cache is not None:
        cache.store(key, version, feed)
    return feed


def _render_inputs(options: RenderOptions, title: str) -> tuple[object, ...]:
    """What besides the rows shapes the output; the year picks the VTIMEZONE's rule."""
    return (options.tzid, options.language, options.bot_username, title, datetime.now(UTC).year)


async def member_by_secret(
    session: AsyncSession, *, settings: Settings, secret: str, today: date
) -> Person | None:
    """The current member this feed secret belongs to; None if unknown, rotated or ended."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        return None
    secret_hash = hash_token(secret)
    person = await queries.member_by_calendar_secret_hash(
        session, secret_hash=secret_hash, group_key=settings.group_key, today=today
    )
    if person is None or person.calendar_secret_hash is None:
        return None
    # The look-up went by hash already; this guards against a database collation that
    # compares loosely, in constant time.
    if not hmac.compare_digest(person.calendar_secret_hash, secret_hash):
        return None
    return person


def _personal_options(
    person: Person | FeedMember, settings: Settings, bot_username: str | None
) -> tuple[RenderOptions, str]:
    language = person_language(person, settings.language)
    options = RenderOptions(tz=settings.tz, language=language, bot_username=bot_username)
    return options, text(language, "calendar.name_personal", person=person.name)


async def _personal_version(
    session: AsyncSession, person: Person, options: RenderOptions, title: str
) -> int:
    counters = await feed_versions(session, scopes=[COUNCIL, PEOPLE, person_scope(person.id)])
    return version_of(_render_inputs(options, title), counters)


async def personal_feed(
    session: AsyncSession,
    *,
    settings: Settings,
    secret: str,
    bot_username: str | None,
    today: date | None = None,
    cache: FeedCache | None = None,
) -> Feed | None:
    """The member's own feed; None (→ 404) for an unknown, rotated or revoked secret or a
    person who is no longer a member."""
    if today is None:
        today = datetime.now(settings.tz).date()
    person = await member_by_secret(session, settings=settings, secret=secret, today=today)
    if person is None:
        return None
    options, title = _personal_options(person, settings, bot_username)
    key = f"person:{person.id}"
    version = 0
    if cache is not None:
        version = await _personal_version(session, person, options, title)  # before the rows
        if (cached := cache.lookup(key, version)) is not None:
            return cached
    attendances = await queries.attendances_of(session, person_id=person.id)
    meetings = await queries.all_meetings(session)
    agendas = await queries.agenda_lines(session)

    def render() -> Feed:
        body = render_personal_calendar(meetings, agendas, attendances, name=title, options=options)
        return _feed(body, meetings, agendas, attendances, personal=True)

    feed = await asyncio.to_thread(render)  # off the event loop (see _public)
    if cache is not None:
        cache.store(key, version, feed)
    return feed


async def cached_validators(
    session: AsyncSession,
    *,
    settings: Settings,
    name: str | None,
    bot_username: str | None,
    cache: FeedCache,
    today: date | None = None,
) -> Validators | None:
    """A feed's ETag and Last-Modified if the cache holds its current version, else None.

    `name` is None for the public feed, else a committee key or a member's secret. This is
    what a revalidation costs: the membership check and one read of the change counters,
    whatever the size of the feed. None means: build the feed (it may still be a 404).
    """
    if name is None:
        options = RenderOptions(
            tz=settings.tz, language=settings.language, bot_username=bot_username
        )
        title = text(settings.language, "calendar.name_public")
        return cache.validators("public:all", await _public_version(options, title, session))
    if today is None:
        today = datetime.now(settings.tz).date()
    # A member's feed first: by far the most requests, answered with one query.
    if name and len(name) <= MAX_SECRET_LENGTH:
        secret_hash = hash_token(name)
        found = await queries.member_with_feed_versions(
            session, secret_hash=secret_hash, group_key=settings.group_key, today=today
        )
        if found is not None:
            person, counters = found
            if person.calendar_secret_hash is None or not hmac.compare_digest(
                person.calendar_secret_hash, secret_hash
            ):
                return None
            options, title = _personal_options(person, settings, bot_username)
            version = version_of(_render_inputs(options, title), counters)
            return cache.validators(f"person:{person.id}", version)
    committee = await _committee(session, name)
    if committee is None:
        return None
    options = RenderOptions(tz=settings.tz, language=settings.language, bot_username=bot_username)
    title = text(settings.language, "calendar.name_committee", committee=committee.name)
    version = await _public_version(options, title, session)
    return cache.validators(f"public:{committee.id}", version)


async def meeting_ics(
    session: AsyncSession,
    *,
    settings: Settings,
    meeting_id: int,
    language: str,
    bot_username: str | None,
) -> bytes | None:
    """One meeting as an .ics file for a member (the chat's "In den Kalender" button),
    with the whole agenda; None if there is no such meeting. The caller checks membership."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        return None
    agenda = await queries.agenda_of(session, meeting_id=meeting.id)
    options = RenderOptions(tz=settings.tz, language=language, bot_username=bot_username)
    return render_single_event(meeting, agenda, options=options, include_closed_items=True)
