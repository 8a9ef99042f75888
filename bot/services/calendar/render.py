"""iCalendar output: meetings as VEVENTs, whole feeds and the single-event file.

Pure functions of their input: the same rows give the same bytes (UID from the database id,
DTSTAMP and LAST-MODIFIED from the rows' update times, events ordered by start then id), so
an unchanged feed keeps its ETag. Times carry `TZID=<configured zone>` with one classic
VTIMEZONE (see `timezone.py`). icalendar writes CRLF and folds lines at 75 octets.

Texts come from the `calendar.*` catalog entries as plain text: `bot.i18n.t()` would
HTML-escape the values, which is wrong in an .ics file (icalendar does its own escaping).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration

from bot.i18n import DEFAULT_LANGUAGE, catalog
from bot.services.calendar.timezone import classic_vtimezone
from bot.views.council import meeting_title
from storage.models import Attendance, AttendanceStatus, Meeting, MeetingKind
from storage.queries.calendar import AgendaLine

PRODID = "-//Gremienbot//Gremienbot//DE"
DEFAULT_DURATION = timedelta(hours=2)
REFRESH = timedelta(hours=1)
NO_AGENDA: Sequence[AgendaLine] = ()


@dataclass(frozen=True)
class RenderOptions:
    tz: ZoneInfo
    language: str
    # The bot's @username for the deep link in URL; None leaves URL out.
    bot_username: str | None = None

    @property
    def tzid(self) -> str:
        return self.tz.key


def text(language: str, key: str, /, **values: object) -> str:
    """A catalog text filled with plain (not HTML-escaped) values, German as fallback."""
    template = catalog(language).get(key) or catalog(DEFAULT_LANGUAGE)[key]
    return template.format(**values)


def meeting_link(bot_username: str | None, meeting_id: int) -> str | None:
    """The deep link that opens the meeting in the bot."""
    return f"https://t.me/{bot_username}?start=m{meeting_id}" if bot_username else None


def meeting_uid(meeting_id: int) -> str:
    return f"meeting-{meeting_id}@gremienbot"


def _attendance_prefix(language: str, attendance: Attendance | None) -> str:
    if attendance is None:
        return ""
    if attendance.needs_confirmation:
        return text(language, "calendar.attendance.unconfirmed")
    if attendance.status == AttendanceStatus.DEPUTY:
        if attendance.deputy_name:
            return text(language, "calendar.attendance.deputy", name=attendance.deputy_name)
        return text(language, "calendar.attendance.deputy_unnamed")
    return text(language, f"calendar.attendance.{attendance.status.value}")


def _agenda_text(language: str, line: AgendaLine) -> str:
    key = "calendar.agenda_item" if line.public else "calendar.agenda_item_closed"
    if not line.number:
        key += "_unnumbered"
    return text(language, key, number=line.number, name=line.name)


def _description(
    meeting: Meeting, agenda: Sequence[AgendaLine], options: RenderOptions, url: str | None
) -> str:
    language = options.language
    parts: list[str] = []
    if meeting.change_reason:
        key = "calendar.reason_cancelled" if meeting.cancelled else "calendar.reason_moved"
        parts.append(text(language, key, reason=meeting.change_reason))
    if not meeting.public:
        parts.append(text(language, "calendar.not_public"))
    if agenda:
        lines = [text(language, "calendar.agenda_header")]
        lines.extend(_agenda_text(language, line) for line in agenda)
        parts.append("\n".join(lines))
    if url:
        parts.append(text(language, "calendar.open_in_bot", url=url))
    return "\n\n".join(parts)


def event_stamp(
    meeting: Meeting, agenda: Sequence[AgendaLine], attendance: Attendance | None = None
) -> datetime:
    """When what this event shows last changed: meeting, committee, shown items, own answer."""
    stamps = [meeting.updated_at, meeting.organization.updated_at]
    stamps.extend(line.updated_at for line in agenda)
    if attendance is not None:
        stamps.append(attendance.updated_at)
    return max(stamps).astimezone(UTC)


def meeting_event(
    meeting: Meeting,
    agenda: Sequence[AgendaLine],
    options: RenderOptions,
    *,
    attendance: Attendance | None = None,
) -> Event:
    """One VEVENT. `agenda` holds exactly the items this reader may see."""
    language = options.language
    summary = meeting_title(meeting)  # the committee named once, as in the chat
    summary = _attendance_prefix(language, attendance) + summary
    if meeting.cancelled:
        summary = text(language, "calendar.cancelled_prefix") + summary
    start = meeting.start.astimezone(options.tz)
    end = meeting.end if meeting.end is not None and meeting.end > meeting.start else None
    stamp = event_stamp(meeting, agenda, attendance)
    url = meeting_link(options.bot_username, meeting.id)
    declined = (
        attendance is not None
        and attendance.status == AttendanceStatus.NO
        and not attendance.needs_confirmation
    )

    # Plain Event(), not Event.new(): new() fills UID and DTSTAMP randomly / with "now".
    event = Event()
    event.add("uid", meeting_uid(meeting.id))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", meeting.sequence)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", (end or meeting.start + DEFAULT_DURATION).astimezone(options.tz))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if declined or meeting.cancelled else "OPAQUE")
    if not meeting.public:
        # Hides the details where a member shares their calendar with others.
        event.add("class", "PRIVATE")
    description = _description(meeting, agenda, options, url)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    return event


def _calendar(*, publish: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if publish:
        calendar.add("method", "PUBLISH")
    return calendar


def _feed_calendar(name: str, options: RenderOptions, *, publish: bool) -> Calendar:
    """The properties of a subscribed feed: its name, zone and how often to refresh."""
    calendar = _calendar(publish=publish)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)  # Google reads only this one
    calendar.add("x-wr-timezone", options.tzid)
    # icalendar's setter would leave out VALUE=DURATION, which RFC 7986 asks for.
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def _finish(calendar: Calendar, events: Iterable[Event], options: RenderOptions) -> bytes:
    events = list(events)
    # icalendar writes UTC times with "Z" instead of a TZID: then no VTIMEZONE is needed.
    if any("TZID" in event["DTSTART"].params for event in events):
        # The rule in force now; the year only selects which transitions are inspected.
        calendar.add_component(classic_vtimezone(options.tzid, datetime.now(UTC).year))
    calendar.subcomponents.extend(events)
    body: bytes = calendar.to_ical()
    return body


def _in_order(meetings: Iterable[Meeting]) -> list[Meeting]:
    return sorted(meetings, key=lambda meeting: (meeting.start, meeting.id))


def render_public_calendar(
    meetings: Iterable[Meeting],
    agendas: Mapping[int, Sequence[AgendaLine]],
    *,
    name: str,
    options: RenderOptions,
) -> bytes:
    """A public feed: public sessions with their public agenda items, nothing else.

    The filters here repeat the query's on purpose: what is not public never gets out,
    whatever a caller passes in.
    """
    events = (
        meeting_event(
            meeting,
            [line for line in agendas.get(meeting.id, NO_AGENDA) if line.public],
            options,
        )
        for meeting in _in_order(meetings)
        if meeting.public and meeting.kind == MeetingKind.SESSION
    )
    return _finish(_feed_calendar(name, options, publish=True), events, options)


def render_personal_calendar(
    meetings: Iterable[Meeting],
    agendas: Mapping[int, Sequence[AgendaLine]],
    attendances: Mapping[int, Attendance],
    *,
    name: str,
    options: RenderOptions,
) -> bytes:
    """A member's feed: every meeting with its whole agenda and the member's own answer.

    `attendances` maps meeting id to *this member's* attendance only.
    """
    events = (
        meeting_event(
            meeting,
            agendas.get(meeting.id, NO_AGENDA),
            options,
            attendance=attendances.get(meeting.id),
        )
        for meeting in _in_order(meetings)
    )
    return _finish(_feed_calendar(name, options, publish=False), events, options)


def render_single_event(
    meeting: Meeting,
    agenda: Sequence[AgendaLine],
    *,
    options: RenderOptions,
    include_closed_items: bool = False,
) -> bytes:
    """One meeting as an .ics file to import (METHOD:PUBLISH, same VTIMEZONE rules).

    Closed (non-public) agenda items only with `include_closed_items`, for a member's own use.
    No calendar name or refresh interval: with X-WR-CALNAME, Outlook offers the file as a new
    calendar instead of importing the event.
    """
    shown = [line for line in agenda if include_closed_items or line.public]
    calendar = _calendar(publish=True)
    return _finish(calendar, [meeting_event(meeting, shown, options)], options)
