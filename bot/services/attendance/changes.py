"""What a change of an rsvp meeting means for attendance: call inside the change's transaction.

One message per member and change (`rsvp-change:<meeting>:<sequence>:<digest>`): the change
notice (old → new for time and place, the names of other changed fields; or "abgesagt") and,
where an answer is needed, the question again with the answer buttons. After a move, answers
yes, maybe and deputy are asked again (kept, marked as needing confirmation; they count as open
until confirmed). Administrators find in their message how many were asked, and the button to
the overview. Earlier messages with answer buttons for the meeting are edited in place (new
time, or cancelled with the buttons removed) through the outbox; a failed edit fails nothing.
For meetings that start asking (or are created) every current member is asked.

`notify_attendance` reads all of that from a change report (an import or a change made in the
chat); `attendance_notifier` wraps it as the importer's `Notifier`. The plain notices
(bot.services.notices) leave the members of an rsvp meeting's change to this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import Html, person_language, t
from bot.services.attendance.requests import (
    OVERVIEW_BUTTON,
    ask_member,
    current_members,
    send_requests,
)
from bot.services.importer import ImportReport, Notifier
from bot.services.importer.report import MEETING, EntityChange, FieldChange
from bot.services.notices import render
from bot.services.notices.changes import digest
from bot.services.outbox import Notice, enqueue_many
from bot.views.attendance import (
    answer_label,
    asks_in_change_notice,
    is_open,
    request_buttons,
    request_text,
)
from storage.models import Attendance, AttendanceStatus, Meeting, Person, utcnow
from storage.queries.attendance import (
    answers_for_meeting,
    ask_to_confirm,
    button_messages,
    fresh_meeting,
)

# After a move these answers are asked again; a "no" stays as it was.
CONFIRM_AGAIN = (AttendanceStatus.YES, AttendanceStatus.MAYBE, AttendanceStatus.DEPUTY)
ANNOUNCED = {"start", "end", "location", "name", "kind", "organization", "cancelled"}


def _over(meeting: Meeting, now: datetime) -> bool:
    return (meeting.end or meeting.start) <= now


def _member_message(
    meeting: Meeting,
    change: EntityChange,
    person: Person,
    attendance: Attendance | None,
    *,
    asked_again: int | None,
    now: datetime,
    settings: Settings,
) -> Notice | None:
    """The one message about this change for this member; None when they need none."""
    language = person_language(person, settings.language)
    tz = settings.tz
    answerable = is_open(meeting, now)
    needs_answer = answerable and (attendance is None or attendance.needs_confirmation)
    if not (
        person.notify_meetings
        or needs_answer
        or (meeting.cancelled and attendance is not None)
        or (person.is_admin and asked_again is not None)
    ):
        return None
    if meeting.cancelled:
        text, buttons = render.meeting_cancelled(meeting, language, tz, for_group=False)
    else:
        text, buttons = render.meeting_changed(meeting, change, language, tz, for_group=False)
    parts = [text]
    rows = [list(row) for row in buttons]
    if meeting.cancelled:
        if attendance is not None:
            label = Html(answer_label(attendance, language))
            parts.append(t(language, "attendance.cancelled_answer", answer=label))
    elif answerable:
        answer = t(
            language, "attendance.your_answer", answer=Html(answer_label(attendance, language))
        )
        if attendance is not None and attendance.needs_confirmation:
            answer = Html(answer + t(language, "attendance.unconfirmed"))
        parts.append(answer)
        if needs_answer:
            parts.append(t(language, "attendance.question"))
            rows = request_buttons(meeting, attendance, language, now=now) + rows
    if person.is_admin and asked_again is not None:
        parts.append(t(language, "attendance.admin.asked_again", count=asked_again))
        label = t(language, "attendance.admin.open_overview")
        rows.append([(label, OVERVIEW_BUTTON.format(meeting_id=meeting.id))])
    assert person.telegram_user_id is not None
    return Notice(
        event_key=f"rsvp-change:{meeting.id}:{meeting.sequence}:{digest(change.changes)}",
        chat_id=person.telegram_user_id,
        kind="attendance.change",
        text="\n\n".join(parts),
        buttons=rows,
        person_id=person.id,
        combinable=False,  # it may carry answer buttons: always a message of its own
    )


async def _edit_earlier(
    session: AsyncSession,
    *,
    meeting: Meeting,
    members: dict[int, Person],
    answers: dict[int, Attendance],
    now: datetime,
    settings: Settings,
) -> int:
    """Earlier messages with answer buttons show the meeting as it is now (new time and
    buttons, or cancelled without buttons)."""
    notices = []
    for row in await button_messages(session, meeting_id=meeting.id):
        person = members.get(row.person_id or 0)
        if person is None or row.telegram_message_id is None:
            continue
        language = person_language(person, settings.language)
        attendance = answers.get(person.id)
        notices.append(
            Notice(
                event_key=f"rsvp-edit:{row.id}:{meeting.sequence}",
                chat_id=row.chat_id,
                kind="attendance.edit",
                text=request_text(meeting, attendance, language, settings.tz, now=now),
                buttons=request_buttons(meeting, attendance, language, now=now),
                person_id=person.id,
                combinable=False,
                edit_message_id=row.telegram_message_id,
            )
        )
    return await enqueue_many(session, notices)


async def meeting_changed(
    session: AsyncSession,
    *,
    meeting: Meeting,
    change: EntityChange,
    now: datetime,
    settings: Settings,
) -> int:
    """Call inside the change's transaction, after the meeting got its new values (and
    SEQUENCE): one message per current member (see the module docstring), and earlier
    request messages edited. Returns how many messages were written."""
    if not meeting.rsvp or _over(meeting, now):
        return 0
    start = change.change("start")
    asked_again: int | None = None
    if (
        start is not None
        and start.old != start.new
        and not meeting.cancelled
        and is_open(meeting, now)
    ):
        asked_again = len(
            await ask_to_confirm(session, meeting_id=meeting.id, statuses=CONFIRM_AGAIN)
        )
    members = await current_members(session, now=now, settings=settings)
    answers = await answers_for_meeting(session, meeting_id=meeting.id)
    written = await _edit_earlier(
        session, meeting=meeting, members=members, answers=answers, now=now, settings=settings
    )
    if not meeting.cancelled and not set(change.fields) & ANNOUNCED:
        return written
    notices = [
        notice
        for person in members.values()
        if (
            notice := _member_message(
                meeting,
                change,
                person,
                answers.get(person.id),
                asked_again=asked_again,
                now=now,
                settings=settings,
            )
        )
        is not None
    ]
    return written + await enqueue_many(session, notices)


def _meeting_change(meeting: Meeting, *changes: FieldChange) -> EntityChange:
    return EntityChange(MEETING, meeting.id, meeting.key, meeting.name, tuple(changes))


async def meeting_moved(
    session: AsyncSession,
    *,
    meeting: Meeting,
    old_start: datetime,
    new_start: datetime,
    now: datetime,
    settings: Settings,
) -> int:
    """`meeting_changed` for a move of the start time alone."""
    change = _meeting_change(meeting, FieldChange("start", old_start, new_start))
    return await meeting_changed(
        session, meeting=meeting, change=change, now=now, settings=settings
    )


async def meeting_cancelled(
    session: AsyncSession, *, meeting: Meeting, now: datetime, settings: Settings
) -> int:
    """`meeting_changed` for a cancellation."""
    change = _meeting_change(meeting, FieldChange("cancelled", False, True))
    return await meeting_changed(
        session, meeting=meeting, change=change, now=now, settings=settings
    )


def _changed_to(change_new: object, value: bool) -> bool:
    return isinstance(change_new, bool) and change_new is value


async def notify_attendance(
    session: AsyncSession, report: ImportReport, *, now: datetime, settings: Settings
) -> int:
    """The attendance part of a change report (import or chat): requests for new rsvp
    meetings (and for meetings that start asking or are no longer cancelled), re-confirmation
    after a move, notes after a cancellation. Returns how many messages were written."""
    written = 0
    for ref in report.meetings.created:
        meeting = await fresh_meeting(session, meeting_id=ref.id)
        if meeting is not None and is_open(meeting, now):
            written += await send_requests(session, meeting=meeting, now=now, settings=settings)
    for change in report.meetings.changed:
        meeting = await fresh_meeting(session, meeting_id=change.id)
        if meeting is None or not meeting.rsvp:
            continue
        if asks_in_change_notice(meeting, change.fields):
            written += await meeting_changed(
                session, meeting=meeting, change=change, now=now, settings=settings
            )
        rsvp = change.change("rsvp")
        if rsvp is not None and _changed_to(rsvp.new, True) and is_open(meeting, now):
            written += await send_requests(session, meeting=meeting, now=now, settings=settings)
    for change in report.meetings.cancelled:
        meeting = await fresh_meeting(session, meeting_id=change.id)
        if meeting is not None:
            written += await meeting_changed(
                session, meeting=meeting, change=change, now=now, settings=settings
            )
    written += await _ask_joined(session, report, now=now, settings=settings)
    return written


async def _ask_joined(
    session: AsyncSession, report: ImportReport, *, now: datetime, settings: Settings
) -> int:
    """Members the import linked to Telegram or admitted get the open requests at once."""
    members = report.members
    joined = {ref.id for ref in [*members.created, *members.admitted]}
    joined |= {change.id for change in members.changed if change.change("telegram_user_id")}
    if not joined:
        return 0
    current = await current_members(session, now=now, settings=settings)
    written = 0
    for person_id in sorted(joined):
        person = current.get(person_id)
        if person is not None:
            written += await ask_member(session, person=person, now=now, settings=settings)
    return written


def attendance_notifier(settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Notifier:
    """`notify_attendance` as the importer's `Notifier` (session, report) -> count, for
    `import_yaml(notifier=…)` and the council_admin services; combine it with other notifiers
    by adding their counts."""

    async def notifier(session: AsyncSession, report: ImportReport) -> int:
        return await notify_attendance(session, report, now=clock(), settings=settings)

    return notifier


def combine_notifiers(notifiers: Iterable[Notifier]) -> Notifier:
    """Several notifiers as one (each runs in the same transaction; counts are added)."""
    chosen = list(notifiers)

    async def combined(session: AsyncSession, report: ImportReport) -> int:
        return sum([await notifier(session, report) for notifier in chosen])

    return combined
