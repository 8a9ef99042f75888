"""Reminder sources for attendance, run by the reminder loop: `(session, *, now, settings) -> int`.

* `remind_unanswered`: `settings.rsvp_reminder_days` (default 3) days before an rsvp meeting,
  every current member who has not answered gets the request again as a reminder — unless
  they were asked only after that point (a meeting set up two days ahead is not asked twice
  at once) or turned reminders off. Event key `rsvp-remind:<meeting>:<sequence>`.
* `summarize_for_admins`: the day before, each administrator gets the counts and the factions
  not covered, with a button to the overview. Event key `rsvp-summary:<meeting>:<sequence>`.

Both are idempotent (one delivery per event key and chat), so the loop may call them as often as
it likes; a moved meeting (new SEQUENCE) is reminded about again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import person_language, t
from bot.services.attendance.overview import build_overview
from bot.services.attendance.requests import OVERVIEW_BUTTON
from bot.services.outbox import Notice, enqueue_many
from bot.views.attendance import request_buttons, request_text
from bot.views.attendance_overview import summary_text
from storage.queries.attendance import asked_person_ids, open_rsvp_meetings_starting

SUMMARY_BEFORE = timedelta(days=1)


async def remind_unanswered(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
    """Remind the members who have not answered, or not confirmed their answer after a move
    (it counts as open until then); returns how many reminders were written."""
    lead = timedelta(days=settings.rsvp_reminder_days)
    written = 0
    for meeting in await open_rsvp_meetings_starting(session, after=now, until=now + lead):
        overview = await build_overview(session, meeting=meeting, now=now, settings=settings)
        # Asked after the reminder point: the request itself was recent enough.
        recently_asked = await asked_person_ids(
            session, meeting_id=meeting.id, since=meeting.start - lead
        )
        notices = []
        for member in [*overview.unanswered, *overview.unconfirmed]:
            person = member.person
            if (
                person.telegram_user_id is None
                or not person.notify_reminders
                or person.id in recently_asked
            ):
                continue
            language = person_language(person, settings.language)
            notices.append(
                Notice(
                    event_key=f"rsvp-remind:{meeting.id}:{meeting.sequence}",
                    chat_id=person.telegram_user_id,
                    kind="attendance.reminder",
                    text=request_text(
                        meeting, member.attendance, language, settings.tz, now=now, kind="reminder"
                    ),
                    buttons=request_buttons(meeting, member.attendance, language, now=now),
                    person_id=person.id,
                    combinable=False,
                )
            )
        written += await enqueue_many(session, notices)
    return written


async def summarize_for_admins(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
    """The day-before summary for each administrator; returns how many were written."""
    written = 0
    for meeting in await open_rsvp_meetings_starting(
        session, after=now, until=now + SUMMARY_BEFORE
    ):
        overview = await build_overview(session, meeting=meeting, now=now, settings=settings)
        notices = []
        for member in overview.members:
            person = member.person
            if not person.is_admin or person.telegram_user_id is None:
                continue
            language = person_language(person, settings.language)
            label = t(language, "attendance.admin.open_overview")
            notices.append(
                Notice(
                    event_key=f"rsvp-summary:{meeting.id}:{meeting.sequence}",
                    chat_id=person.telegram_user_id,
                    kind="attendance.summary",
                    text=summary_text(overview, language, settings.tz),
                    buttons=[[(label, OVERVIEW_BUTTON.format(meeting_id=meeting.id))]],
                    person_id=person.id,
                    combinable=False,
                )
            )
        written += await enqueue_many(session, notices)
    return written


# The reminder loop's registry entries (bot.services.reminders), in the order they run.
REMINDER_SOURCES = (remind_unanswered, summarize_for_admins)
