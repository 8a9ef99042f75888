"""What a change of an rsvp meeting means for attendance: call inside the change's transaction.

* moved: members who said yes or maybe are asked to confirm (answer kept, marked), the
  administrators get a note with a button to the overview (`rsvp-moved:<meeting>:<sequence>`);
* cancelled: everyone who had answered is told (`rsvp-cancelled:<meeting>:<sequence>`);
* created (or starts asking, or no longer cancelled): every current member is asked.

`notify_attendance` reads all of that from a change report (an import or a change made in the
chat); `attendance_notifier` wraps it as the importer's `Notifier`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import Html, format_when, person_language, t
from bot.services.attendance.requests import (
    admin_notes,
    current_members,
    request_key,
    request_notice,
    send_requests,
)
from bot.services.importer import ImportReport, Notifier
from bot.services.outbox import Notice, enqueue_many
from bot.views.attendance import answer_label, is_open
from bot.views.council import meeting_title
from storage.models import AttendanceStatus, Meeting, utcnow
from storage.queries.attendance import answers_for_meeting, ask_to_confirm, fresh_meeting

# After a move these answers are asked again; a "no" or a deputy stays as it was.
CONFIRM_AGAIN = (AttendanceStatus.YES, AttendanceStatus.MAYBE)


async def meeting_moved(
    session: AsyncSession,
    *,
    meeting: Meeting,
    old_start: datetime,
    new_start: datetime,
    now: datetime,
    settings: Settings,
) -> int:
    """Call inside the move's transaction, after the meeting got its new start (and SEQUENCE).

    Members who said yes or maybe are asked to confirm for the new time (their answer is kept,
    marked as needing confirmation); the administrators get a note with the overview button.
    Returns how many messages were written."""
    if old_start == new_start or not is_open(meeting, now):
        return 0
    to_confirm = await ask_to_confirm(session, meeting_id=meeting.id, statuses=CONFIRM_AGAIN)
    members = await current_members(session, now=now, settings=settings)
    answers = await answers_for_meeting(session, meeting_id=meeting.id)
    key = request_key(meeting)
    notices = [
        request_notice(
            meeting,
            members[person_id],
            answers.get(person_id),
            event_key=key,
            kind="moved",
            now=now,
            settings=settings,
            old_start=old_start,
        )
        for person_id in to_confirm
        if person_id in members
    ]
    written = await enqueue_many(session, notices)
    asked = len(notices)

    def note(language: str) -> str:
        return t(
            language,
            "attendance.admin.moved",
            title=meeting_title(meeting),
            old=format_when(old_start, language, settings.tz),
            new=format_when(new_start, language, settings.tz),
            count=asked,
        )

    written += await admin_notes(
        session,
        event_key=f"rsvp-moved:{meeting.id}:{meeting.sequence}",
        meeting=meeting,
        now=now,
        settings=settings,
        text=note,
    )
    return written


async def meeting_cancelled(
    session: AsyncSession, *, meeting: Meeting, now: datetime, settings: Settings
) -> int:
    """Call inside the cancellation's transaction: everyone who had answered is told (their
    answer named). Returns how many notes were written."""
    if (meeting.end or meeting.start) <= now:
        return 0
    members = await current_members(session, now=now, settings=settings)
    answers = await answers_for_meeting(session, meeting_id=meeting.id)
    notices = []
    for person_id, attendance in answers.items():
        person = members.get(person_id)
        if person is None:
            continue
        assert person.telegram_user_id is not None
        language = person_language(person, settings.language)
        notices.append(
            Notice(
                event_key=f"rsvp-cancelled:{meeting.id}:{meeting.sequence}",
                chat_id=person.telegram_user_id,
                kind="attendance.cancelled",
                text=t(
                    language,
                    "attendance.cancelled_note",
                    title=meeting_title(meeting),
                    when=format_when(meeting.start, language, settings.tz),
                    answer=Html(answer_label(attendance, language)),
                ),
                person_id=person.id,
            )
        )
    return await enqueue_many(session, notices)


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
        start = change.change("start")
        if (
            start is not None
            and isinstance(start.old, datetime)
            and isinstance(start.new, datetime)
        ):
            written += await meeting_moved(
                session,
                meeting=meeting,
                old_start=start.old,
                new_start=start.new,
                now=now,
                settings=settings,
            )
        rsvp, cancelled = change.change("rsvp"), change.change("cancelled")
        asks_now = rsvp is not None and _changed_to(rsvp.new, True)
        reopened = cancelled is not None and _changed_to(cancelled.new, False)
        if (asks_now or reopened) and is_open(meeting, now):
            written += await send_requests(session, meeting=meeting, now=now, settings=settings)
    for change in report.meetings.cancelled:
        meeting = await fresh_meeting(session, meeting_id=change.id)
        if meeting is not None:
            written += await meeting_cancelled(session, meeting=meeting, now=now, settings=settings)
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
