"""Reading dates and times typed in the chat, in German and ISO forms.

    parse_date("5.7.2021")                      -> date(2021, 7, 5)
    parse_time("14 Uhr"), parse_time("14:30")   -> time(14), time(14, 30)
    parse_datetime("05.07.2021 14:00", tz)      -> aware UTC datetime
    parse_end("17:00", start=..., tz=tz)        -> the same local day as `start`, after it

Times are local wall-clock times in the configured zone; a time that does not exist (clocks
put forward) or exists twice (clocks put back) is refused, because either guess would put a
meeting an hour off. Every failure is a `UserError` whose message names what was typed and
says what is wrong ("Den 30.02.2021 gibt es nicht."), so the dialogue can ask again.

Hand-written on purpose: dateutil and dateparser guess (day-first or month-first, a missing
year, a fuzzy word) where a council date must be read exactly or refused with a reason.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

from bot.errors import UserError

_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?!\d)")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_TIME = re.compile(
    r"(?:um\s+|at\s+)?(\d{1,2})(?:[:.](\d{2}))?\s*(uhr|h|am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE
)
MAX_INPUT = 100  # longer input is no date: answer without echoing all of it


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _date_from(match: re.Match[str], *, german: bool) -> date:
    """A date from a German (d.m.y) or ISO (y-m-d) match; refuse a day that does not exist."""
    if german:
        day, month, year_text = match.groups()
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        written = f"{int(day):02d}.{int(month):02d}.{year:04d}"
        parts = (year, int(month), int(day))
    else:
        year_text, month, day = match.groups()
        parts = (int(year_text), int(month), int(day))
        written = f"{parts[0]:04d}-{parts[1]:02d}-{parts[2]:02d}"
    try:
        return date(*parts)
    except ValueError:
        raise UserError("parsing.no_such_date", date=written) from None


def _match_date(text: str) -> tuple[date, str] | None:
    """A date at the start of `text` and the rest after it, or None if there is none."""
    for pattern, german in ((_GERMAN_DATE, True), (_ISO_DATE, False)):
        match = pattern.match(text)
        if match is not None:
            return _date_from(match, german=german), text[match.end() :]
    return None


def parse_date(text: str) -> date:
    """'5.7.2021', '05.07.2021', '5.7.21' or '2021-07-05'."""
    cleaned = text.strip()
    found = _match_date(cleaned) if len(cleaned) <= MAX_INPUT else None
    if found is None or found[1].strip():
        raise UserError("parsing.not_a_date", text=_shown(text))
    return found[0]


def parse_time(text: str) -> time:
    """'14:00', '14.30', '14 Uhr', '14:30 Uhr', '14h', '2 pm'."""
    cleaned = " ".join(text.split())
    match = _TIME.fullmatch(cleaned) if len(cleaned) <= MAX_INPUT else None
    if match is None:
        raise UserError("parsing.not_a_time", text=_shown(text))
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").lower().replace(".", "")
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise UserError("parsing.no_such_time", text=cleaned)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserError("parsing.no_such_time", text=cleaned)
    return time(hour, minute)


def local_datetime(day: date, clock: time, tz: tzinfo, *, written: str) -> datetime:
    """The wall-clock time `day` `clock` in `tz` as aware UTC; `written` names it in errors."""
    naive = datetime.combine(day, clock)
    earlier, later = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() != later.utcoffset():
        # In a gap the round trip lands an hour later; in an overlap it returns unchanged.
        if earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
            raise UserError("parsing.nonexistent_time", text=_shown(written))
        raise UserError("parsing.ambiguous_time", text=_shown(written))
    return earlier.astimezone(UTC)


def parse_datetime(text: str, tz: tzinfo) -> datetime:
    """'5.7.2021 14:00', '05.07.2021, 14 Uhr', '2021-07-05 14:00', '2021-07-05T14:00'."""
    cleaned = " ".join(text.split())
    found = _match_date(cleaned) if len(cleaned) <= MAX_INPUT else None
    if found is None:
        raise UserError("parsing.not_a_datetime", text=_shown(text))
    day, rest = found
    rest = rest.lstrip(" ,T")
    if not rest:
        raise UserError("parsing.time_missing", text=_shown(text))
    return local_datetime(day, parse_time(rest), tz, written=cleaned)


def parse_end(text: str, *, start: datetime, tz: tzinfo) -> datetime:
    """The end of a meeting: a time on the start's local day ('17:00') or a full date and time.

    It must lie after `start`.
    """
    cleaned = " ".join(text.split())
    if _match_date(cleaned) is not None:
        end = parse_datetime(cleaned, tz)
    else:
        clock = parse_time(cleaned)
        end = local_datetime(start.astimezone(tz).date(), clock, tz, written=cleaned)
    if end <= start:
        raise UserError("parsing.end_before_start", text=_shown(text))
    return end
