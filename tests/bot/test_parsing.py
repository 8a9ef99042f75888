"""Dates and times typed in the chat: German and ISO forms, precise refusals, local time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.parsing import parse_date, parse_datetime, parse_end, parse_time

BERLIN = ZoneInfo("Europe/Berlin")


def message(error: pytest.ExceptionInfo[UserError], language: str = "de") -> str:
    return error.value.render(language)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5.7.2021", date(2021, 7, 5)),
        ("05.07.2021", date(2021, 7, 5)),
        (" 5.7.21 ", date(2021, 7, 5)),
        ("2021-07-05", date(2021, 7, 5)),
        ("29.02.2024", date(2024, 2, 29)),
    ],
)
def test_dates_in_german_and_iso_form(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_impossible_dates_are_named() -> None:
    with pytest.raises(UserError) as error:
        parse_date("30.02.2021")
    assert message(error) == "Den 30.02.2021 gibt es nicht."
    assert message(error, "en") == "There is no 30.02.2021."
    with pytest.raises(UserError) as error:
        parse_date("31.4.2021")
    assert message(error) == "Den 31.04.2021 gibt es nicht."
    with pytest.raises(UserError) as error:
        parse_date("2021-13-01")
    assert message(error) == "Den 2021-13-01 gibt es nicht."


@pytest.mark.parametrize("text", ["morgen", "5.7.", "7/5/2021", "5.7.2021 14:00", "", "1" * 200])
def test_what_is_no_date_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(UserError) as error:
        parse_date(text)
    assert "ist kein Datum. Bitte so schreiben: 5.7.2021 oder 2021-07-05." in message(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:00", time(14)),
        ("14:30", time(14, 30)),
        ("14.30", time(14, 30)),
        ("14 Uhr", time(14)),
        ("14:30 Uhr", time(14, 30)),
        ("9", time(9)),
        ("um 9 uhr", time(9)),
        ("2 pm", time(14)),
        ("12 am", time(0)),
        ("0:00", time(0)),
    ],
)
def test_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


def test_impossible_and_malformed_times() -> None:
    with pytest.raises(UserError) as error:
        parse_time("25:00")
    assert (
        message(error) == "Die Uhrzeit „25:00“ gibt es nicht (Stunden 0 bis 23, Minuten 0 bis 59)."
    )
    with pytest.raises(UserError) as error:
        parse_time("14:75")
    assert "„14:75“ gibt es nicht" in message(error)
    with pytest.raises(UserError) as error:
        parse_time("13 pm")
    assert "„13 pm“ gibt es nicht" in message(error)
    with pytest.raises(UserError) as error:
        parse_time("nachmittags")
    assert (
        message(error) == "„nachmittags“ ist keine Uhrzeit. Bitte so schreiben: 14:00 oder 14 Uhr."
    )


@pytest.mark.parametrize(
    "text",
    [
        "05.07.2021 14:00",
        "5.7.2021 14 Uhr",
        "5.7.2021, 14:00",
        "5.7.2021 um 14 Uhr",
        "2021-07-05 14:00",
        "2021-07-05T14:00",
    ],
)
def test_date_and_time_are_local_time_stored_as_utc(text: str) -> None:
    assert parse_datetime(text, BERLIN) == datetime(2021, 7, 5, 12, 0, tzinfo=UTC)


def test_winter_time_is_one_hour_ahead_of_utc() -> None:
    assert parse_datetime("6.12.2021 14:00", BERLIN) == datetime(2021, 12, 6, 13, tzinfo=UTC)


def test_date_and_time_refusals() -> None:
    with pytest.raises(UserError) as error:
        parse_datetime("5.7.2021", BERLIN)
    assert message(error) == "Zu „5.7.2021“ fehlt die Uhrzeit. Bitte so schreiben: 5.7.2021 14:00."
    with pytest.raises(UserError) as error:
        parse_datetime("30.02.2021 14:00", BERLIN)
    assert message(error) == "Den 30.02.2021 gibt es nicht."
    with pytest.raises(UserError) as error:
        parse_datetime("nächsten Montag", BERLIN)
    assert "ist kein Datum mit Uhrzeit" in message(error)
    with pytest.raises(UserError) as error:
        parse_datetime("5.7.2021 abends", BERLIN)
    assert "„abends“ ist keine Uhrzeit" in message(error)


def test_the_hour_skipped_and_the_hour_repeated_at_the_clock_change_are_refused() -> None:
    with pytest.raises(UserError) as error:
        parse_datetime("28.03.2021 02:30", BERLIN)
    assert message(error) == (
        "„28.03.2021 02:30“ gibt es nicht: In dieser Nacht werden die Uhren auf Sommerzeit "
        "vorgestellt. Bitte eine Uhrzeit eine Stunde später angeben."
    )
    with pytest.raises(UserError) as error:
        parse_datetime("31.10.2021 02:30", BERLIN)
    assert "gibt es zweimal" in message(error)
    assert parse_datetime("28.03.2021 03:30", BERLIN) == datetime(2021, 3, 28, 1, 30, tzinfo=UTC)


def test_the_end_is_a_time_on_the_same_day_or_a_full_date_after_the_start() -> None:
    start = parse_datetime("5.7.2021 14:00", BERLIN)
    assert parse_end("17:00", start=start, tz=BERLIN) == datetime(2021, 7, 5, 15, tzinfo=UTC)
    assert parse_end("6.7.2021 10 Uhr", start=start, tz=BERLIN) == datetime(
        2021, 7, 6, 8, tzinfo=UTC
    )
    for earlier in ("13:00", "14:00", "4.7.2021 18:00"):
        with pytest.raises(UserError) as error:
            parse_end(earlier, start=start, tz=BERLIN)
        assert message(error) == (
            f"Das Ende „{earlier}“ liegt nicht nach dem Beginn. Bitte eine spätere Uhrzeit angeben."
        )


def test_long_input_is_not_echoed_whole() -> None:
    with pytest.raises(UserError) as error:
        parse_time("x" * 500)
    assert len(message(error)) < 120
