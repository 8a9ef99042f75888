"""The classic VTIMEZONE: the zone's current rule as one STANDARD and one DAYLIGHT RRULE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from bot.services.calendar import classic_vtimezone
from tests.calendar_ics import content_lines, properties


def _vtimezone_bytes(tzid: str) -> bytes:
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//test//test//EN")
    calendar.add_component(classic_vtimezone(tzid, 2026))
    body: bytes = calendar.to_ical()
    return body


def test_europe_berlin_in_the_form_outlook_and_thunderbird_write() -> None:
    lines = content_lines(_vtimezone_bytes("Europe/Berlin"))
    standard = lines[lines.index("BEGIN:STANDARD") : lines.index("END:STANDARD")]
    daylight = lines[lines.index("BEGIN:DAYLIGHT") : lines.index("END:DAYLIGHT")]
    assert "DTSTART:19701025T030000" in standard
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in standard
    assert "TZOFFSETFROM:+0200" in standard and "TZOFFSETTO:+0100" in standard
    assert "TZNAME:CET" in standard
    assert "DTSTART:19700329T020000" in daylight
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in daylight
    assert "TZOFFSETFROM:+0100" in daylight and "TZOFFSETTO:+0200" in daylight
    assert "TZNAME:CEST" in daylight
    assert not any(line.startswith("RDATE") for line in lines)


@pytest.mark.parametrize(
    ("tzid", "daylight_rule"),
    [
        ("Europe/Berlin", "BYDAY=-1SU;BYMONTH=3"),
        ("Europe/London", "BYDAY=-1SU;BYMONTH=3"),
        ("Europe/Helsinki", "BYDAY=-1SU;BYMONTH=3"),
        ("Europe/Lisbon", "BYDAY=-1SU;BYMONTH=3"),
        ("America/New_York", "BYDAY=2SU;BYMONTH=3"),
        ("Australia/Sydney", "BYDAY=1SU;BYMONTH=10"),
    ],
)
def test_the_rule_matches_the_zone_database_for_years(tzid: str, daylight_rule: str) -> None:
    body = _vtimezone_bytes(tzid)
    assert any(rule.endswith(daylight_rule) for rule in properties(body, "RRULE"))
    # vobject builds its own tzinfo from our VTIMEZONE; compare it with the zone database
    # once a day for three years, and every quarter hour on the days of a change.
    feed_zone = vobject.readOne(body.decode()).vtimezone.gettzinfo()
    zone = ZoneInfo(tzid)
    day = datetime(2026, 1, 1, tzinfo=UTC)
    while day < datetime(2029, 1, 1, tzinfo=UTC):
        following = day + timedelta(days=1)
        changes = day.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset()
        step = timedelta(minutes=15) if changes else timedelta(days=1)
        moment = day
        while moment < following:
            expected = moment.astimezone(zone).utcoffset()
            assert moment.astimezone(feed_zone).utcoffset() == expected, (tzid, moment)
            moment += step
        day = following


def test_zone_without_daylight_saving_time_gets_one_standard() -> None:
    lines = content_lines(_vtimezone_bytes("Asia/Tokyo"))
    assert lines.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in lines
    assert "TZOFFSETTO:+0900" in lines


def test_zone_without_a_weekday_rule_falls_back_to_a_complete_definition() -> None:
    # Morocco's changes follow Ramadan, which no yearly RRULE can express.
    body = _vtimezone_bytes("Africa/Casablanca")
    assert properties(body, "TZID") == ["Africa/Casablanca"]
    Calendar.from_ical(body)
