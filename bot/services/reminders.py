"""Reminders before meetings, derived from the rows on every run, so nothing is kept in memory.

`run_due_reminders` is called once a minute (bot/jobs.py). Each run calls every source in
`REMINDER_SOURCES`, which writes the reminders due *now* to the outbox. Each reminder has an
event key that names the meeting, its iCalendar SEQUENCE and the lead time
(`reminder:<meeting id>:<sequence>:<lead>`), so the outbox's uniqueness per (event, chat)
makes a second run, a restart or a second instance send nothing twice, and a run missed
while the bot was down is made up by the next one.

Meeting reminders (the built-in source): for every meeting that starts later and is not
cancelled, and every member with reminders on who has not declined it, each lead time whose
moment has passed (and that lies after the meeting was created) is due. Only the latest due
lead is sent: after downtime a member gets one reminder, not a burst of stale ones.

Lead times are minutes before the start (120 = two hours); a negative value -m means "the day
before, m minutes after midnight, local time": DAY_BEFORE_EVENING (-1080) is the day before at
18:00. A member's `reminder_minutes` of None means DEFAULT_LEADS.

Sources: `REMINDER_SOURCES` lists every source the loop runs, in order: the meeting reminders
here, then attendance's ("remind members who have not answered", the day-before summary for
administrators; bot/services/attendance_reminders.py). A source is

    async def source(session: AsyncSession, *, now: datetime, settings: Settings) -> int

It writes the reminders due at `now` with `bot.services.outbox.enqueue_many` (stable event keys)
and returns how many were new. It must be cheap (it runs every minute), decide from the rows
alone, and may be called any number of times for the same moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta, tzinfo
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.i18n import format_clock, format_when, t
from bot.services.attendance_reminders import REMINDER_SOURCES as ATTENDANCE_SOURCES
from bot.services.notices.recipients import Preference, Reader, member_readers
from bot.services.notices.render import meeting_button, short
from bot.services.outbox import Notice, enqueue_many
from bot.values.reminders import MAX_LEAD_MINUTES, leads_of
from bot.views.council import meeting_heading
from storage.models import Meeting
from storage.queries.notices import declined, meetings_starting_between, sent_event_keys

# Meetings looked at: the longest lead plus the span "the day before" can reach back.
_HORIZON = timedelta(minutes=MAX_LEAD_MINUTES) + timedelta(days=2)


class ReminderSource(Protocol):
    async def __call__(
        self, session: AsyncSession, *, now: datetime, settings: Settings
    ) -> int: ...


def reminder_moment(start: datetime, lead: int, tz: tzinfo) -> datetime:
    """When the reminder with this lead time is due."""
    if lead < 0:
        day = start.astimezone(tz).date() - timedelta(days=1)
        minutes = -lead
        return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
    return start - timedelta(minutes=lead)


def due_lead(meeting: Meeting, leads: Sequence[int], *, now: datetime, tz: tzinfo) -> int | None:
    """The lead time to remind with now: the latest whose moment has passed, or None."""
    due = [
        (moment, lead)
        for lead in leads
        if (moment := reminder_moment(meeting.start, lead, tz)) <= now
        and moment >= meeting.created_at  # not before anyone could know of the meeting
    ]
    return max(due)[1] if due else None


def reminder_text(meeting: Meeting, language: str, now: datetime, tz: tzinfo) -> str:
    local, today = meeting.start.astimezone(tz), now.astimezone(tz).date()
    clock = format_clock(meeting.start, language, tz)
    if local.date() == today:
        relative = t(language, "reminders.today", time=clock)
    elif local.date() == today + timedelta(days=1):
        relative = t(language, "reminders.tomorrow", time=clock)
    else:
        relative = t(language, "reminders.later", when=format_when(meeting.start, language, tz))
    return t(
        language,
        "reminders.text",
        relative=relative,
        title=short(meeting_heading(meeting, language)),
        when=format_when(meeting.start, language, tz),
        location=meeting.location or t(language, "meetings.no_location"),
    )


async def meeting_reminders(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
    """The reminders before meetings that are due now (see the module's docstring)."""
    tz = settings.tz
    members = await member_readers(
        session,
        group_key=settings.group_key,
        today=now.astimezone(tz).date(),
        default_language=settings.language,
    )
    readers = [reader for reader in members if reader.wants(Preference.REMINDERS)]
    if not readers:
        return 0
    meetings = await meetings_starting_between(session, after=now, until=now + _HORIZON)
    refused = await declined(session, meeting_ids=[meeting.id for meeting in meetings])
    wanted: list[tuple[Meeting, Reader, str]] = []
    for meeting in meetings:
        for reader in readers:
            assert reader.person is not None
            if (meeting.id, reader.person.id) in refused:
                continue
            lead = due_lead(meeting, leads_of(reader.person.reminder_minutes), now=now, tz=tz)
            if lead is not None:
                wanted.append((meeting, reader, f"reminder:{meeting.id}:{meeting.sequence}:{lead}"))
    # Most runs find only reminders sent before: skip rendering them.
    done = await sent_event_keys(session, pairs=[(key, r.chat_id) for _, r, key in wanted])
    batch_key = f"reminders:{now.astimezone(tz):%Y-%m-%dT%H:%M}"
    texts: dict[tuple[int, str], str] = {}
    notices: list[Notice] = []
    for meeting, reader, key in wanted:
        if (key, reader.chat_id) in done:
            continue
        variant = (meeting.id, reader.language)
        if variant not in texts:
            texts[variant] = reminder_text(meeting, reader.language, now, tz)
        notices.append(
            Notice(
                event_key=key,
                chat_id=reader.chat_id,
                kind="reminder",
                text=texts[variant],
                buttons=[[meeting_button(meeting, reader.language, tz)]],
                person_id=reader.person_id,
                batch_key=batch_key,  # due together for one member: one message
            )
        )
    return await enqueue_many(session, notices) if notices else 0


REMINDER_SOURCES: list[ReminderSource] = [meeting_reminders, *ATTENDANCE_SOURCES]


async def run_due_reminders(
    session: AsyncSession,
    *,
    now: datetime,
    settings: Settings,
    sources: Sequence[ReminderSource] | None = None,
) -> int:
    """Write every reminder due at `now` into the outbox (caller's transaction); returns how
    many were new. `sources` defaults to REMINDER_SOURCES."""
    written = 0
    for source in REMINDER_SOURCES if sources is None else sources:
        written += await source(session, now=now, settings=settings)
    return written
