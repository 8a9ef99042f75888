"""Asking members for their answer, and the notes to administrators, through the outbox.

Event keys (one delivery per key and chat): `rsvp:<meeting>:<sequence>` is the request — the
first one, one sent with "Anfrage senden", and the re-confirmation after a move (the move
raised the sequence). Requests are always messages of their own (`combinable=False`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.i18n import person_language, t
from bot.services.members import admin_in
from bot.services.outbox import Notice, enqueue_many
from bot.views.attendance import RequestKind, is_open, request_buttons, request_text
from storage.models import Attendance, Meeting, Person
from storage.queries.attendance import answers_for_meeting, asked_person_ids, rsvp_meetings
from storage.queries.members import active_members

OVERVIEW_BUTTON = "tln:open:{meeting_id}"  # handlers/attendance_admin.py
OPEN_MEETINGS_LIMIT = 100


async def current_members(
    session: AsyncSession, *, now: datetime, settings: Settings
) -> dict[int, Person]:
    """Current members who can be reached on Telegram, by id."""
    today = now.astimezone(settings.tz).date()
    members = await active_members(
        session, group_key=settings.group_key, today=today, linked_only=True
    )
    return {person.id: person for person in members}


def request_key(meeting: Meeting) -> str:
    return f"rsvp:{meeting.id}:{meeting.sequence}"


def request_notice(
    meeting: Meeting,
    person: Person,
    attendance: Attendance | None,
    *,
    event_key: str,
    kind: RequestKind,
    now: datetime,
    settings: Settings,
    old_start: datetime | None = None,
) -> Notice:
    assert person.telegram_user_id is not None
    language = person_language(person, settings.language)
    return Notice(
        event_key=event_key,
        chat_id=person.telegram_user_id,
        kind=f"attendance.{kind}",
        text=request_text(
            meeting, attendance, language, settings.tz, now=now, kind=kind, old_start=old_start
        ),
        buttons=request_buttons(meeting, attendance, language, now=now),
        person_id=person.id,
        combinable=False,  # a request for an answer is always a message of its own
    )


async def send_requests(
    session: AsyncSession,
    *,
    meeting: Meeting,
    now: datetime,
    settings: Settings,
    actor: Person | None = None,
) -> int:
    """Ask every current member who has not answered and not yet been asked for this version
    of the meeting; returns how many requests were written. `actor` None: the system (an
    import, a new meeting); otherwise an administrator ("Anfrage senden")."""
    actor = await admin_in(session, actor)
    if meeting.cancelled:
        raise UserError("attendance.cancelled")
    if not meeting.rsvp:
        raise UserError("attendance.not_rsvp")
    if not is_open(meeting, now):
        raise UserError("attendance.closed")
    members = await current_members(session, now=now, settings=settings)
    answered = await answers_for_meeting(session, meeting_id=meeting.id)
    key = request_key(meeting)
    asked = await asked_person_ids(session, meeting_id=meeting.id, event_keys=[key])
    notices = [
        request_notice(
            meeting, person, None, event_key=key, kind="request", now=now, settings=settings
        )
        for person_id, person in members.items()
        if person_id not in answered and person_id not in asked
    ]
    return await enqueue_many(session, notices)


async def ask_member(
    session: AsyncSession,
    *,
    person: Person,
    now: datetime,
    settings: Settings,
    not_before: datetime | None = None,
) -> int:
    """A member who joined (accepted an invitation, or was linked or admitted by an import)
    gets the open requests of every upcoming rsvp meeting they have not answered, at once.
    Returns how many requests were written."""
    if person.telegram_user_id is None or person.erased_at is not None:
        return 0
    written = 0
    for meeting in await rsvp_meetings(session, now=now, past=False, limit=OPEN_MEETINGS_LIMIT):
        if not is_open(meeting, now):
            continue
        answered = await answers_for_meeting(session, meeting_id=meeting.id)
        if person.id in answered:
            continue
        notice = request_notice(
            meeting,
            person,
            None,
            event_key=request_key(meeting),
            kind="request",
            now=now,
            settings=settings,
        )
        written += await enqueue_many(session, [notice], not_before=not_before)
    return written


async def admin_notes(
    session: AsyncSession,
    *,
    event_key: str,
    meeting: Meeting,
    now: datetime,
    settings: Settings,
    text: Callable[[str], str],
) -> int:
    members = await current_members(session, now=now, settings=settings)
    notices = []
    for person in members.values():
        if not person.is_admin:
            continue
        assert person.telegram_user_id is not None
        language = person_language(person, settings.language)
        label = t(language, "attendance.admin.open_overview")
        notices.append(
            Notice(
                event_key=event_key,
                chat_id=person.telegram_user_id,
                kind="attendance.admin",
                text=text(language),
                buttons=[[(label, OVERVIEW_BUTTON.format(meeting_id=meeting.id))]],
                person_id=person.id,
                combinable=False,
            )
        )
    return await enqueue_many(session, notices)


async def ask_open_meetings(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
    """Ask for every rsvp meeting still open (e.g. after an import without notifications, as
    the demo's seed does); members already asked or answered are skipped. How many written."""
    written = 0
    for meeting in await rsvp_meetings(session, now=now, past=False, limit=OPEN_MEETINGS_LIMIT):
        if is_open(meeting, now):
            written += await send_requests(session, meeting=meeting, now=now, settings=settings)
    return written
