"""iCalendar output: format rules real clients need, times across DST, stable bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.calendar import (
    RenderOptions,
    render_personal_calendar,
    render_public_calendar,
    render_single_event,
)
from storage.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
)
from storage.queries.calendar import AgendaLine
from tests.calendar_ics import (
    content_lines,
    events_by_uid,
    parse_both,
    properties,
    utc_by_feed_rules,
)
from tests.calendar_samples import BERLIN, BOT, berlin

STAMP = datetime(2021, 6, 2, 9, 30, tzinfo=UTC)
OPTIONS = RenderOptions(tz=BERLIN, language="de", bot_username=BOT)
LONG_NAME = "Sozialstrategie für den Landkreis Konstanz – Übergänge, Größenordnungen, Maßnahmen"


def committee(name: str = "Sozialausschuss") -> Organization:
    organization = Organization(id=1, key="sa", name=name, kind=OrganizationKind.COMMITTEE)
    organization.updated_at = STAMP
    return organization


def meeting(meeting_id: int, start: datetime, **values: object) -> Meeting:
    fields: dict[str, object] = {
        "key": f"m{meeting_id}",
        "organization": committee(),
        "kind": MeetingKind.SESSION,
        "name": "Sitzung des Sozialausschusses",
        "public": True,
        "cancelled": False,
        "sequence": 0,
        "location": None,
        "end": None,
    }
    fields.update(values)
    row = Meeting(id=meeting_id, start=start, **fields)
    row.updated_at = STAMP
    return row


def item(number: str, name: str, public: bool = True) -> AgendaLine:
    return AgendaLine(number, name, public, STAMP)


def public_feed(
    meetings: list[Meeting], agendas: dict[int, list[AgendaLine]] | None = None
) -> bytes:
    return render_public_calendar(
        meetings, agendas or {}, name="Gremienbot – öffentliche Sitzungen", options=OPTIONS
    )


def test_times_are_right_across_both_dst_changes_by_the_feeds_own_rules() -> None:
    body = public_feed([meeting(1, berlin(2021, 7, 5)), meeting(2, berlin(2021, 12, 6))])
    events = events_by_uid(body)
    assert events["meeting-1@gremienbot"]["DTSTART;TZID=Europe/Berlin"] == "20210705T140000"
    assert events["meeting-2@gremienbot"]["DTSTART;TZID=Europe/Berlin"] == "20211206T140000"
    # By hand from the VTIMEZONE's RRULEs in the feed:
    assert utc_by_feed_rules(body, "Europe/Berlin", datetime(2021, 7, 5, 14)) == datetime(
        2021, 7, 5, 12, tzinfo=UTC
    )
    assert utc_by_feed_rules(body, "Europe/Berlin", datetime(2021, 12, 6, 14)) == datetime(
        2021, 12, 6, 13, tzinfo=UTC
    )
    # By the second parser, with the tzinfo it builds from the feed's VTIMEZONE:
    _, parsed = parse_both(body)
    feed_zone = parsed.vtimezone.gettzinfo()
    starts = sorted(
        event.dtstart.value.replace(tzinfo=feed_zone).astimezone(UTC)
        for event in parsed.vevent_list
    )
    assert starts == [datetime(2021, 7, 5, 12, tzinfo=UTC), datetime(2021, 12, 6, 13, tzinfo=UTC)]
    # And icalendar, told to build the zone from the component instead of looking it up:
    first, _ = parse_both(body)
    zone = first.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    summer = first.walk("VEVENT")[0].decoded("dtstart").replace(tzinfo=zone)
    assert summer.astimezone(UTC) == datetime(2021, 7, 5, 12, tzinfo=UTC)


def test_exactly_one_classic_vtimezone_per_tzid() -> None:
    body = public_feed([meeting(1, berlin(2021, 7, 5)), meeting(2, berlin(2021, 12, 6))])
    lines = content_lines(body)
    assert lines.count("BEGIN:VTIMEZONE") == 1
    assert {value for value in properties(body, "TZID")} == {"Europe/Berlin"}
    tzids = {line.split("TZID=")[1].split(":")[0] for line in lines if "TZID=" in line}
    assert tzids == {"Europe/Berlin"}
    assert lines.count("BEGIN:STANDARD") == 1 and lines.count("BEGIN:DAYLIGHT") == 1
    rules = sorted(properties(body, "RRULE"))
    assert [dict(part.split("=") for part in rule.split(";")) for rule in rules] == [
        {"FREQ": "YEARLY", "BYDAY": "-1SU", "BYMONTH": "10"},
        {"FREQ": "YEARLY", "BYDAY": "-1SU", "BYMONTH": "3"},
    ]
    assert properties(body, "RDATE") == []


def test_lines_end_in_crlf_and_fold_at_75_octets_not_characters() -> None:
    row = meeting(1, berlin(2021, 7, 5), name=LONG_NAME * 3, location="Großer Saal – Ä" * 10)
    body = public_feed([row], {1: [item("5", LONG_NAME * 2)]})
    assert body.endswith(b"\r\n")
    physical = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert max(len(line) for line in physical) <= 75
    assert len(physical) > len(content_lines(body))  # long lines were folded
    for line in physical:
        line.decode("utf-8")  # never split inside a multi-byte character
    first, second = parse_both(body)
    assert str(first.walk("VEVENT")[0]["SUMMARY"]) == "Sozialausschuss: " + LONG_NAME * 3
    assert second.vevent.location.value == "Großer Saal – Ä" * 10


def test_calendar_properties_for_subscribers() -> None:
    body = public_feed([meeting(1, berlin(2021, 7, 5))])
    lines = content_lines(body)
    for expected in (
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "NAME:Gremienbot – öffentliche Sitzungen",
        "X-WR-CALNAME:Gremienbot – öffentliche Sitzungen",
        "X-WR-TIMEZONE:Europe/Berlin",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ):
        assert expected in lines
    assert properties(body, "PRODID")
    assert "ATTENDEE" not in body.decode()


def test_event_fields() -> None:
    summer = meeting(
        7,
        berlin(2021, 7, 5),
        end=berlin(2021, 7, 5, 17),
        location="Landratsamt Konstanz",
        sequence=2,
    )
    body = public_feed([summer], {7: [item("5", "Entwicklung einer Sozialstrategie")]})
    event = events_by_uid(body)["meeting-7@gremienbot"]
    assert event["SUMMARY"] == "Sitzung des Sozialausschusses"
    assert event["DTEND;TZID=Europe/Berlin"] == "20210705T170000"
    assert event["LOCATION"] == "Landratsamt Konstanz"
    assert event["STATUS"] == "CONFIRMED"
    assert event["SEQUENCE"] == "2"
    assert event["DTSTAMP"] == event["LAST-MODIFIED"] == "20210602T093000Z"
    assert event["URL"] == f"https://t.me/{BOT}?start=m7"
    assert "TOP 5: Entwicklung einer Sozialstrategie" in event["DESCRIPTION"]
    assert f"https://t.me/{BOT}?start=m7" in event["DESCRIPTION"]


def test_end_defaults_to_two_hours_and_no_url_without_a_bot_name() -> None:
    options = RenderOptions(tz=BERLIN, language="de", bot_username=None)
    body = render_public_calendar([meeting(1, berlin(2021, 12, 6))], {}, name="x", options=options)
    event = events_by_uid(body)["meeting-1@gremienbot"]
    assert event["DTEND;TZID=Europe/Berlin"] == "20211206T160000"
    assert "URL" not in event
    assert "t.me" not in body.decode()


def test_cancelled_meetings_stay_with_prefix_and_status() -> None:
    body = public_feed([meeting(1, berlin(2021, 7, 26), cancelled=True)])
    event = events_by_uid(body)["meeting-1@gremienbot"]
    assert event["SUMMARY"] == "Abgesagt: Sitzung des Sozialausschusses"
    assert event["STATUS"] == "CANCELLED"


def test_same_input_gives_same_bytes_in_start_then_id_order() -> None:
    rows = [
        meeting(3, berlin(2021, 9, 1)),
        meeting(2, berlin(2021, 7, 5)),
        meeting(1, berlin(2021, 9, 1)),
    ]
    body = public_feed(rows)
    assert public_feed(list(reversed(rows))) == body
    uids = properties(body, "UID")
    assert uids == ["meeting-2@gremienbot", "meeting-1@gremienbot", "meeting-3@gremienbot"]


def test_public_render_drops_what_is_not_public_whatever_it_is_given() -> None:
    rows = [
        meeting(1, berlin(2021, 7, 5)),
        meeting(2, berlin(2021, 7, 6), public=False, name="Geheim 1"),
        meeting(3, berlin(2021, 7, 7), kind=MeetingKind.PRESENTATION, name="Geheim 2"),
    ]
    body = public_feed(rows, {1: [item("1", "Offen"), item("2", "Geheim 3", public=False)]})
    assert properties(body, "UID") == ["meeting-1@gremienbot"]
    assert "Geheim" not in body.decode()


def test_personal_feed_shows_own_answer_and_marks_declined_transparent() -> None:
    rows = [meeting(n, berlin(2021, 8, n)) for n in range(1, 7)]
    answers = {
        1: (AttendanceStatus.YES, None, False),
        2: (AttendanceStatus.NO, None, False),
        3: (AttendanceStatus.MAYBE, None, False),
        4: (AttendanceStatus.DEPUTY, "Dora Vertreterin", False),
        5: (AttendanceStatus.NO, None, True),
    }
    attendances = {
        meeting_id: Attendance(
            meeting_id=meeting_id,
            person_id=1,
            status=status,
            deputy_name=deputy,
            needs_confirmation=again,
            updated_at=STAMP + timedelta(days=meeting_id),
        )
        for meeting_id, (status, deputy, again) in answers.items()
    }
    body = render_personal_calendar(
        rows, {}, attendances, name="Gremienbot – Anna", options=OPTIONS
    )
    events = events_by_uid(body)
    title = "Sitzung des Sozialausschusses"
    assert events["meeting-1@gremienbot"]["SUMMARY"] == f"[Zugesagt] {title}"
    assert events["meeting-2@gremienbot"]["SUMMARY"] == f"[Abgesagt] {title}"
    assert events["meeting-3@gremienbot"]["SUMMARY"] == f"[Vielleicht] {title}"
    assert events["meeting-4@gremienbot"]["SUMMARY"] == f"[Vertretung: Dora Vertreterin] {title}"
    assert events["meeting-5@gremienbot"]["SUMMARY"] == f"[Bitte neu bestätigen] {title}"
    assert events["meeting-6@gremienbot"]["SUMMARY"] == title
    transparent = {uid for uid, event in events.items() if event["TRANSP"] == "TRANSPARENT"}
    assert transparent == {"meeting-2@gremienbot"}
    # The later of the meeting's and the answer's update time:
    assert events["meeting-1@gremienbot"]["DTSTAMP"] == "20210603T093000Z"
    assert events["meeting-6@gremienbot"]["DTSTAMP"] == "20210602T093000Z"
    assert "METHOD" not in body.decode()


def test_personal_feed_in_english() -> None:
    options = RenderOptions(tz=BERLIN, language="en", bot_username=BOT)
    attendance = Attendance(
        meeting_id=1,
        person_id=1,
        status=AttendanceStatus.YES,
        needs_confirmation=False,
        updated_at=STAMP,
    )
    body = render_personal_calendar(
        [meeting(1, berlin(2021, 8, 1), cancelled=True)],
        {1: [item("7", "Closed item", public=False)]},
        {1: attendance},
        name="Gremienbot – Bernd",
        options=options,
    )
    event = events_by_uid(body)["meeting-1@gremienbot"]
    assert event["SUMMARY"].startswith("Cancelled: [Attending] ")
    assert "Item 7 (not public): Closed item" in event["DESCRIPTION"]


def test_single_event_file() -> None:
    row = meeting(4, berlin(2021, 7, 5), public=False)
    agenda = [item("1", "Offen"), item("2", "Intern", public=False)]
    body = render_single_event(row, agenda, options=OPTIONS)
    lines = content_lines(body)
    assert "METHOD:PUBLISH" in lines
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("BEGIN:VTIMEZONE") == 1
    # Outlook would offer a file with a calendar name as a new calendar.
    assert properties(body, "X-WR-CALNAME") == [] and properties(body, "NAME") == []
    assert "Intern" not in body.decode()
    assert "CLASS:PRIVATE" in lines
    with_closed = render_single_event(row, agenda, options=OPTIONS, include_closed_items=True)
    assert (
        "TOP 2 (nicht öffentlich): Intern"
        in events_by_uid(with_closed)["meeting-4@gremienbot"]["DESCRIPTION"]
    )
    assert render_single_event(row, agenda, options=OPTIONS) == body
    parse_both(body)


@pytest.mark.parametrize("language", ["de", "en"])
def test_text_with_ical_special_characters_round_trips(language: str) -> None:
    name = 'Haushalt; Teil 1, "Zahlen" \\ Übersicht\nzweite Zeile'
    options = RenderOptions(tz=BERLIN, language=language, bot_username=BOT)
    row = meeting(1, berlin(2021, 7, 5), name=name, location="Saal; 1, 2")
    body = render_public_calendar([row], {1: [item("1", name)]}, name="x", options=options)
    first, second = parse_both(body)
    event = first.walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"Sozialausschuss: {name}"
    assert str(event["LOCATION"]) == "Saal; 1, 2"
    assert second.vevent.summary.value == f"Sozialausschuss: {name}"
    assert name in second.vevent.description.value


def test_a_utc_installation_needs_no_vtimezone_and_an_empty_feed_is_valid() -> None:
    utc = RenderOptions(tz=ZoneInfo("UTC"), language="de", bot_username=BOT)
    body = render_public_calendar([meeting(1, berlin(2021, 7, 5))], {}, name="x", options=utc)
    assert "BEGIN:VTIMEZONE" not in content_lines(body)
    assert events_by_uid(body)["meeting-1@gremienbot"]["DTSTART"] == "20210705T120000Z"
    empty = public_feed([])
    assert "BEGIN:VEVENT" not in content_lines(empty)
    parse_both(empty)
