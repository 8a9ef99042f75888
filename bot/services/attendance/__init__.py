"""Attendance (issue 6): members answer Zusage / Absage / Vielleicht / Vertretung for meetings
with `rsvp`, administrators see who comes, by faction.

    from bot.services.attendance import (
        record_answer, send_requests, meeting_moved, meeting_cancelled, attendance_notifier,
    )

    answered = await record_answer(session, person=…, meeting_id=…, sequence=…, status=…,
                                   now=…, settings=…, deputy_name=None)
    await send_requests(session, meeting=…, now=…, settings=…, actor=admin_or_None)
    await ask_open_meetings(session, now=…, settings=…)   # every open rsvp meeting (demo seed)
    await meeting_moved(session, meeting=…, old_start=…, new_start=…, now=…, settings=…)
    await meeting_cancelled(session, meeting=…, now=…, settings=…)
    await notify_attendance(session, report, now=…, settings=…)   # a whole change report
    notifier = attendance_notifier(settings)   # the same as the importer's `Notifier` type

Every function takes the caller's session and never commits: requests and notes are written to
the outbox in the transaction of the change that caused them.

Modules: `answers` (recording), `requests` (asking, notes to administrators), `changes` (moves,
cancellations, change reports), `overview` (/teilnahme, CSV; administrators only). The reminder
loop's sources are in `bot.services.attendance_reminders` (registered in bot.services.reminders).
"""

from bot.services.attendance.answers import (
    MAX_DEPUTY_NAME,
    Answered,
    AnswerRefused,
    answerable_meeting,
    clean_deputy_name,
    current_answer,
    record_answer,
)
from bot.services.attendance.changes import (
    CONFIRM_AGAIN,
    attendance_notifier,
    combine_notifiers,
    meeting_cancelled,
    meeting_moved,
    notify_attendance,
)
from bot.services.attendance.requests import (
    OVERVIEW_BUTTON,
    ask_member,
    ask_open_meetings,
    request_key,
    send_requests,
)

__all__ = [
    "CONFIRM_AGAIN",
    "MAX_DEPUTY_NAME",
    "OVERVIEW_BUTTON",
    "AnswerRefused",
    "Answered",
    "answerable_meeting",
    "ask_member",
    "ask_open_meetings",
    "attendance_notifier",
    "clean_deputy_name",
    "combine_notifiers",
    "current_answer",
    "meeting_cancelled",
    "meeting_moved",
    "notify_attendance",
    "record_answer",
    "request_key",
    "send_requests",
]
