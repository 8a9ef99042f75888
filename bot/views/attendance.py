"""The attendance request as a message: the meeting, the member's current answer, the buttons.

The same rendering is written into the outbox (first request, reminder, re-confirmation after a
move) and used to update the message in place when the member presses a button.

Answer buttons carry `att:<meeting id>:<sequence>:<code>` (code y, n, m, d; x on the closed
button). The sequence is the meeting's iCalendar SEQUENCE: a button from before a move or a
change of place is recognised as outdated. The member is never in the data: who pressed comes
from Telegram.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Literal

from bot.i18n import Html, format_clock, format_when, t
from bot.views.council import meeting_title
from storage.models import Attendance, AttendanceStatus, Meeting

ANSWER_BUTTON = re.compile(r"att:(\d{1,12}):(\d{1,6}):([ynmdx])")
ANSWER_CODES: dict[str, AttendanceStatus] = {
    "y": AttendanceStatus.YES,
    "n": AttendanceStatus.NO,
    "m": AttendanceStatus.MAYBE,
    "d": AttendanceStatus.DEPUTY,
}
CLOSED_CODE = "x"

RequestKind = Literal["request", "moved", "reminder"]
Rows = list[list[tuple[str, str]]]


def answer_button(meeting_id: int, sequence: int, code: str) -> str:
    return f"att:{meeting_id}:{sequence}:{code}"


def status_name(status: AttendanceStatus, language: str) -> str:
    """'✅ Zusage', '👥 Vertretung' …"""
    return t(language, f"attendance.status.{status.value}")


def answer_label(attendance: Attendance | None, language: str) -> str:
    """The answer as the member and the administrators read it, deputy's name included."""
    if attendance is None:
        return t(language, "attendance.no_answer")
    if attendance.status == AttendanceStatus.DEPUTY and attendance.deputy_name:
        return t(language, "attendance.deputy_named", name=attendance.deputy_name)
    return status_name(attendance.status, language)


def is_open(meeting: Meeting, now: datetime) -> bool:
    """Answers are taken until the meeting starts, unless it was cancelled."""
    return meeting.rsvp and not meeting.cancelled and now < meeting.start


def meeting_summary(meeting: Meeting, language: str, tz: tzinfo) -> Html:
    end = ""
    if meeting.end is not None:
        same_day = meeting.end.astimezone(tz).date() == meeting.start.astimezone(tz).date()
        until = (format_clock if same_day else format_when)(meeting.end, language, tz)
        end = t(language, "meetings.until", time=until)
    return t(
        language,
        "attendance.meeting",
        cancelled=t(language, "meetings.cancelled_prefix") if meeting.cancelled else "",
        title=meeting_title(meeting),
        kind=t(language, f"meetings.kind.{meeting.kind.value}"),
        visibility=t(language, "meetings.public" if meeting.public else "meetings.non_public"),
        when=format_when(meeting.start, language, tz),
        end=end,
        location=meeting.location or t(language, "meetings.no_location"),
    )


def request_text(
    meeting: Meeting,
    attendance: Attendance | None,
    language: str,
    tz: tzinfo,
    *,
    now: datetime,
    kind: RequestKind = "request",
    old_start: datetime | None = None,
) -> Html:
    """The request: header, the meeting, the member's current answer, and what they can do."""
    parts: list[str] = [
        t(language, f"attendance.header.{kind}"),
        meeting_summary(meeting, language, tz),
    ]
    if kind == "moved" and old_start is not None:
        parts.append(t(language, "attendance.moved_from", old=format_when(old_start, language, tz)))
    answer = t(language, "attendance.your_answer", answer=Html(answer_label(attendance, language)))
    if attendance is not None and attendance.needs_confirmation:
        answer = Html(answer + t(language, "attendance.unconfirmed"))
    parts.append(answer)
    if meeting.cancelled:
        parts.append(t(language, "attendance.closed_cancelled"))
    elif not is_open(meeting, now):
        parts.append(t(language, "attendance.closed_started"))
    else:
        parts.append(t(language, "attendance.question"))
    return Html("\n\n".join(parts))


def request_buttons(
    meeting: Meeting, attendance: Attendance | None, language: str, *, now: datetime
) -> Rows:
    """Four answer buttons (the current answer marked); one 'closed' button once it started;
    none for a cancelled meeting."""
    if meeting.cancelled:
        return []
    if not is_open(meeting, now):
        closed = answer_button(meeting.id, meeting.sequence, CLOSED_CODE)
        return [[(t(language, "attendance.button.closed"), closed)]]
    current = None
    if attendance is not None and not attendance.needs_confirmation:
        current = attendance.status
    buttons: list[tuple[str, str]] = []
    for code, status in ANSWER_CODES.items():
        label = status_name(status, language)
        if status == current:
            label = t(language, "attendance.button.chosen", label=label)
        buttons.append((label, answer_button(meeting.id, meeting.sequence, code)))
    return [buttons[:2], buttons[2:]]


def own_answer_line(meeting: Meeting, attendance: Attendance | None, language: str) -> str:
    """For /termine: the member's own answer under each meeting that asks for one."""
    if not meeting.rsvp:
        return ""
    line = t(language, "attendance.own_answer", answer=Html(answer_label(attendance, language)))
    if attendance is not None and attendance.needs_confirmation:
        line = Html(line + t(language, "attendance.unconfirmed"))
    return line


def asks_in_change_notice(meeting: Meeting, changed_fields: list[str]) -> bool:
    """Whether a change of this meeting reaches members as one attendance message (notice and
    question together, bot.services.attendance.changes) instead of a plain notice: for every
    rsvp meeting, unless the change is that it starts asking (then the request follows)."""
    return meeting.rsvp and "rsvp" not in changed_fields
