"""Reading .ics output in the calendar tests: unfolding, two parsers, and UTC by the feed's
own VTIMEZONE rules (worked out here by hand, independent of zoneinfo and dateutil)."""

from __future__ import annotations

import calendar as months
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import vobject


def content_lines(body: bytes) -> list[str]:
    """The logical lines: folded continuations (CRLF + space) joined again."""
    return body.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def properties(body: bytes, name: str) -> list[str]:
    """Values of every `name` property (with parameters stripped)."""
    found = []
    for line in content_lines(body):
        head, _, value = line.partition(":")
        if head.split(";")[0] == name:
            found.append(value)
    return found


def events_by_uid(body: bytes) -> dict[str, dict[str, str]]:
    """Each VEVENT's properties (first value each, parameters kept in the key) by UID."""
    events: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in content_lines(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT" and current is not None:
            events[current["UID"]] = current
            current = None
        elif current is not None:
            head, _, value = line.partition(":")
            current.setdefault(head, value)
            current.setdefault(head.split(";")[0], value)
    return events


def parse_both(body: bytes) -> tuple[icalendar.Calendar, Any]:
    """Parse with icalendar and with vobject; both must accept the whole feed."""
    first = icalendar.Calendar.from_ical(body)
    second = vobject.readOne(body.decode("utf-8"))
    return first, second


def _rule_date(year: int, rrule: str, dtstart: str) -> datetime:
    """The local wall-clock moment a yearly BYMONTH/BYDAY rule gives in `year`."""
    parts = dict(part.split("=") for part in rrule.split(";"))
    assert parts["FREQ"] == "YEARLY"
    month = int(parts["BYMONTH"])
    ordinal, weekday = int(parts["BYDAY"][:-2]), parts["BYDAY"][-2:]
    index = ("MO", "TU", "WE", "TH", "FR", "SA", "SU").index(weekday)
    days = [week[index] for week in months.monthcalendar(year, month) if week[index]]
    day = days[-1] if ordinal == -1 else days[ordinal - 1]
    clock = datetime.strptime(dtstart, "%Y%m%dT%H%M%S")
    return datetime(year, month, day, clock.hour, clock.minute)


def _offset(text: str) -> timedelta:
    sign = -1 if text.startswith("-") else 1
    return sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5]))


def utc_by_feed_rules(body: bytes, tzid: str, local: datetime) -> datetime:
    """Convert a naive local time to UTC with the feed's own STANDARD/DAYLIGHT rules."""
    lines = content_lines(body)
    start = lines.index(f"TZID:{tzid}")
    block = lines[start : lines.index("END:VTIMEZONE", start)]
    rules = {}
    for kind in ("STANDARD", "DAYLIGHT"):
        part = block[block.index(f"BEGIN:{kind}") : block.index(f"END:{kind}")]
        values = dict(line.split(":", 1) for line in part[1:])
        rules[kind] = values
    daylight_from = _rule_date(local.year, rules["DAYLIGHT"]["RRULE"], rules["DAYLIGHT"]["DTSTART"])
    standard_from = _rule_date(local.year, rules["STANDARD"]["RRULE"], rules["STANDARD"]["DTSTART"])
    in_daylight = daylight_from <= local < standard_from  # northern hemisphere, as here
    offset = _offset(rules["DAYLIGHT" if in_daylight else "STANDARD"]["TZOFFSETTO"])
    return (local - offset).replace(tzinfo=UTC)
