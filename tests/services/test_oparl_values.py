"""Reading OParl values as real servers send them, and the filter added to a next link."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.services.oparl.lists import with_filter
from bot.services.oparl.mapping import location, organization_kind
from bot.services.oparl.values import as_list, day, is_tombstone, reference, text, when
from storage.models import OrganizationKind

BERLIN = ZoneInfo("Europe/Berlin")


def test_nothing_spelled_many_ways() -> None:
    assert [text(v) for v in ("N/A", "", "  ", None, 5, " Saal  1 ")] == [
        None,
        None,
        None,
        None,
        None,
        "Saal 1",
    ]
    # Tabs, line breaks and non-breaking spaces as some servers send them: one plain space.
    assert text("Haushalt\t2027\n") == "Haushalt 2027" and text("Saal\xa01") == "Saal 1"
    assert text("Ausschuss für Umwelt", 9) == "Ausschuss" and text(" n/a ") is None
    assert reference({"id": " https://x/paper/1 "}) == "https://x/paper/1"
    assert reference("https://x/paper/1\n") == "https://x/paper/1" and reference({"id": 5}) is None
    assert as_list("https://x/o/1") == ["https://x/o/1"]
    assert as_list({"id": "a"}) == [{"id": "a"}]
    assert as_list("") == [] and as_list(None) == [] and as_list(["a", None, "", {}]) == ["a"]


def test_dates_with_and_without_offset() -> None:
    assert when("2030-03-04T14:00:00", BERLIN) == datetime(2030, 3, 4, 13, 0, tzinfo=UTC)
    assert when("2030-07-04T14:00:00+02:00", BERLIN) == datetime(2030, 7, 4, 12, 0, tzinfo=UTC)
    assert when("2030-07-04T12:00:00Z", BERLIN) == datetime(2030, 7, 4, 12, 0, tzinfo=UTC)
    assert when("N/A", BERLIN) is None and when("morgen", BERLIN) is None
    assert day("2030-01-05T00:00:00+01:00") == date(2030, 1, 5) and day("") is None


def test_tombstones_with_or_without_type() -> None:
    assert is_tombstone({"id": "x", "deleted": True})
    assert is_tombstone({"id": "x", "type": "https://schema.oparl.org/1.1/Paper", "deleted": True})
    assert not is_tombstone({"id": "x", "deleted": "false"})


def test_kinds_and_places() -> None:
    assert organization_kind({"organizationType": "Fraktion"}) == OrganizationKind.FACTION
    assert organization_kind({"classification": "Dezernat"}) == OrganizationKind.DEPARTMENT
    assert organization_kind({"organizationType": "Gremium"}) == OrganizationKind.COMMITTEE
    assert location({"description": "Landratsamt, Saal 1"}) == "Landratsamt, Saal 1"
    assert location({"streetAddress": "Benediktinerplatz 1", "room": "Saal"}) == (
        "Benediktinerplatz 1, Saal"
    )
    assert location("https://ris.example/location/1") is None and location("N/A") is None


def test_the_filter_is_added_only_when_missing() -> None:
    since = "2030-01-01T00:00:00+00:00"
    assert with_filter("http://x/l?page=2", "modified_since", since) == (
        "http://x/l?page=2&modified_since=2030-01-01T00%3A00%3A00%2B00%3A00"
    )
    given = "http://x/l?modified_since=2029-12-31&page=2"
    assert with_filter(given, "modified_since", since) == given
