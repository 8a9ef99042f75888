"""Recording a member's answer: who may answer, for which meeting version, until when.

Answers are taken from current members only, for rsvp meetings that are neither cancelled nor
started, and only from a button of the meeting's current version (its iCalendar SEQUENCE):
after a move or a change of place the member must see the new details before answering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.views.attendance import is_open
from storage.models import Attendance, AttendanceStatus, Meeting, Person
from storage.queries.attendance import answer_of, fresh_meeting, upsert_answer
from storage.queries.members import member_by_telegram_id

MAX_DEPUTY_NAME = 200  # Attendance.deputy_name


class AnswerRefused(UserError):
    """The answer was not taken (closed, cancelled, outdated button); the member should see the
    meeting `meeting_id` as it is now instead. (An id, not the row: the transaction that raised
    this is rolled back, which expires its rows.)"""

    def __init__(self, key: str, meeting: Meeting) -> None:
        super().__init__(key)
        self.meeting_id = meeting.id


@dataclass(frozen=True)
class Answered:
    meeting: Meeting
    attendance: Attendance | None


def clean_deputy_name(text: str | None) -> str:
    """One line, 2 to 200 characters, with at least one letter, not a command."""
    name = " ".join((text or "").split())
    if not name:
        raise UserError("attendance.deputy_empty")
    if len(name) > MAX_DEPUTY_NAME:
        raise UserError("attendance.deputy_too_long", limit=MAX_DEPUTY_NAME)
    if name.startswith("/") or len(name) < 2 or not any(char.isalpha() for char in name):
        raise UserError("attendance.deputy_invalid")
    return name


async def _require_member(
    session: AsyncSession, person: Person, *, now: datetime, settings: Settings
) -> None:
    member = None
    if person.telegram_user_id is not None:
        member = await member_by_telegram_id(
            session,
            telegram_user_id=person.telegram_user_id,
            group_key=settings.group_key,
            today=now.astimezone(settings.tz).date(),
        )
    if member is None or member.id != person.id:
        raise UserError("attendance.not_member")


async def answerable_meeting(
    session: AsyncSession,
    *,
    person: Person,
    meeting_id: int,
    sequence: int,
    now: datetime,
    settings: Settings,
    lock: bool = False,
) -> Meeting:
    """The meeting, if this member may answer for it now with a button of this version
    (`lock`: and it stays that version until the answer is stored, see fresh_meeting)."""
    await _require_member(session, person, now=now, settings=settings)
    meeting = await fresh_meeting(session, meeting_id=meeting_id, share_lock=lock)
    if meeting is None:
        raise UserError("attendance.not_found")
    if not meeting.rsvp:
        raise UserError("attendance.not_rsvp")
    if meeting.cancelled:
        raise AnswerRefused("attendance.cancelled", meeting)
    if not is_open(meeting, now):
        raise AnswerRefused("attendance.closed", meeting)
    if sequence != meeting.sequence:
        raise AnswerRefused("attendance.changed", meeting)
    return meeting


async def record_answer(
    session: AsyncSession,
    *,
    person: Person,
    meeting_id: int,
    sequence: int,
    status: AttendanceStatus,
    now: datetime,
    settings: Settings,
    deputy_name: str | None = None,
) -> Answered:
    """Store the member's answer (replacing an earlier one); the deputy's name is required for
    DEPUTY. Raises UserError / AnswerRefused and changes nothing when the answer is not taken."""
    meeting = await answerable_meeting(
        session,
        person=person,
        meeting_id=meeting_id,
        sequence=sequence,
        now=now,
        settings=settings,
        lock=True,  # answers from several chats run concurrently with a move (bot/dialogues)
    )
    name = clean_deputy_name(deputy_name) if status == AttendanceStatus.DEPUTY else None
    await upsert_answer(
        session,
        meeting_id=meeting.id,
        person_id=person.id,
        status=status,
        deputy_name=name,
        now=now,
    )
    attendance = await answer_of(session, meeting_id=meeting.id, person_id=person.id)
    return Answered(meeting, attendance)


async def current_answer(
    session: AsyncSession, *, meeting_id: int, person_id: int
) -> Attendance | None:
    """The member's own answer (personal data: only for that member)."""
    return await answer_of(session, meeting_id=meeting_id, person_id=person_id)
