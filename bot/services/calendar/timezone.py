"""The classic VTIMEZONE (one STANDARD and one DAYLIGHT with a yearly RRULE) for a zone.

Why not icalendar's `add_missing_timezones()` / `Timezone.from_tzid()`: they write one RDATE
per historical transition. Outlook mishandles that form, and Mozilla's ical.js (Thunderbird)
reads a 14:00 meeting in July under it as 13:00 UTC instead of 12:00 UTC. Every client reads
the classic form that Outlook and Thunderbird themselves write, e.g. for Europe/Berlin:

    DAYLIGHT  DTSTART:19700329T020000  RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU   +0100 → +0200
    STANDARD  DTSTART:19701025T030000  RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU  +0200 → +0100

How: the zone's *current* rule is read off its real transitions (the standard library's
zoneinfo) over the next eight years; eight consecutive years put each transition on every
weekday alignment, which tells "last Sunday" apart from "fourth Sunday". The rule is then
written from 1970 on, as Outlook and Thunderbird do. This fits every zone whose transitions
follow a "n-th / last weekday of a month" rule: all EU zones, North America, most of the
world. A zone without daylight saving time gets a single STANDARD. A zone whose transitions
follow no such rule (e.g. tied to a lunar calendar) falls back to icalendar's RDATE form,
which is still correct for RFC 5545 parsers.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

RULE_YEARS = 8
FIRST_YEAR = 1970  # where Outlook and Thunderbird start their yearly rules
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class _Transition:
    local: datetime  # naive wall-clock time of the change, in the offset before it
    offset_from: timedelta
    offset_to: timedelta
    name: str


@dataclass(frozen=True)
class _YearlyRule:
    month: int
    weekday: int  # Monday = 0
    ordinal: int  # 1..4, or -1 for the last such weekday of the month
    time: timedelta  # local time of day, in the offset before the change
    offset_from: timedelta
    offset_to: timedelta
    name: str

    def date_in(self, year: int) -> datetime:
        days = calendar.monthcalendar(year, self.month)
        weeks = [week[self.weekday] for week in days if week[self.weekday]]
        day = weeks[-1] if self.ordinal == -1 else weeks[self.ordinal - 1]
        return datetime(year, self.month, day) + self.time


def _transitions(zone: ZoneInfo, year: int) -> list[_Transition]:
    """Every change of UTC offset in `year`, found by day steps and then bisection."""
    found: list[_Transition] = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    while moment < end:
        following = moment + timedelta(days=1)
        before, after = moment.astimezone(zone).utcoffset(), following.astimezone(zone).utcoffset()
        if before != after:
            low, high = moment, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            assert before is not None and after is not None
            changed = high.astimezone(zone)
            found.append(
                _Transition(
                    local=(high + before).replace(tzinfo=None),
                    offset_from=before,
                    offset_to=after,
                    name=changed.tzname() or "",
                )
            )
        moment = following
    return found


def _yearly_rule(changes: list[_Transition]) -> _YearlyRule | None:
    """The one n-th/last-weekday rule that all `changes` (one per year) follow, if any."""
    first = changes[0]
    shape = {(c.local.month, c.local.weekday(), c.offset_from, c.offset_to) for c in changes}
    times = {c.local - c.local.replace(hour=0, minute=0, second=0) for c in changes}
    if len(shape) != 1 or len(times) != 1:
        return None
    ordinals = {(c.local.day - 1) // 7 + 1 for c in changes}
    is_last = all(
        c.local.day + 7 > calendar.monthrange(c.local.year, c.local.month)[1] for c in changes
    )
    if len(ordinals) == 1 and max(ordinals) <= 4:
        ordinal = ordinals.pop()
    elif is_last:
        ordinal = -1
    else:
        return None
    return _YearlyRule(
        month=first.local.month,
        weekday=first.local.weekday(),
        ordinal=ordinal,
        time=times.pop(),
        offset_from=first.offset_from,
        offset_to=first.offset_to,
        name=first.name,
    )


def _component(rule: _YearlyRule, daylight: bool) -> TimezoneStandard | TimezoneDaylight:
    component = TimezoneDaylight() if daylight else TimezoneStandard()
    component.add("dtstart", rule.date_in(FIRST_YEAR))
    byday = f"{rule.ordinal}{WEEKDAYS[rule.weekday]}"
    component.add("rrule", vRecur(freq="YEARLY", bymonth=rule.month, byday=byday))
    component.add("tzname", rule.name)
    component.add("tzoffsetfrom", rule.offset_from)
    component.add("tzoffsetto", rule.offset_to)
    return component


def _fixed_offset(zone: ZoneInfo, tzid: str, year: int) -> Timezone:
    moment = datetime(year, 1, 1, tzinfo=UTC).astimezone(zone)
    offset = moment.utcoffset()
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(FIRST_YEAR, 1, 1))
    standard.add("tzname", moment.tzname() or tzid)
    standard.add("tzoffsetfrom", offset)
    standard.add("tzoffsetto", offset)
    timezone = _timezone(tzid)
    timezone.add_component(standard)
    return timezone


def _timezone(tzid: str) -> Timezone:
    timezone = Timezone()
    timezone.add("tzid", tzid)
    # Thunderbird maps a VTIMEZONE to its own zone database by this name.
    timezone.add("x-lic-location", tzid)
    return timezone


@cache
def classic_vtimezone(tzid: str, from_year: int) -> Timezone:
    """The VTIMEZONE for `tzid` with the rule in force from `from_year` on (cached; do not
    modify the returned component)."""
    zone = ZoneInfo(tzid)
    years = [_transitions(zone, year) for year in range(from_year, from_year + RULE_YEARS)]
    if not any(years):
        return _fixed_offset(zone, tzid, from_year)
    if any(len(changes) != 2 for changes in years):
        return Timezone.from_tzid(tzid)
    gains = _yearly_rule([max(c, key=lambda t: t.offset_to - t.offset_from) for c in years])
    losses = _yearly_rule([min(c, key=lambda t: t.offset_to - t.offset_from) for c in years])
    if gains is None or losses is None:
        return Timezone.from_tzid(tzid)
    timezone = _timezone(tzid)
    # The part of the year with the larger offset is "daylight"; this also gives the usual
    # reading for Europe/Dublin, whose tzdata describes winter as a negative saving.
    timezone.add_component(_component(losses, daylight=False))
    timezone.add_component(_component(gains, daylight=True))
    return timezone
