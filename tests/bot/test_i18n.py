"""Message catalogs: German and English complete and consistent; values escaped; dates by locale."""

from __future__ import annotations

import string
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import Html, catalog, format_when, normalize_language, t

BERLIN = ZoneInfo("Europe/Berlin")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_catalogs_have_the_same_keys_and_placeholders() -> None:
    german, english = catalog("de"), catalog("en")
    assert german.keys() == english.keys()
    for key in german:
        assert _placeholders(german[key]) == _placeholders(english[key]), key


def test_values_are_escaped_unless_marked_as_html() -> None:
    assert t("de", "format.datetime", date="A & B <c>", time=Html("<b>14</b>")) == (
        "A &amp; B &lt;c&gt;, <b>14</b> Uhr"
    )


def test_dates_are_formatted_for_the_locale_in_the_configured_zone() -> None:
    meeting = datetime(2021, 7, 5, 12, 0, tzinfo=UTC)
    assert format_when(meeting, "de", BERLIN) == "Montag, 5. Juli 2021, 14:00 Uhr"
    assert format_when(meeting, "en", BERLIN) == "Monday, 5 July 2021, 14:00"
    winter = datetime(2021, 12, 6, 13, 0, tzinfo=UTC)
    assert format_when(winter, "de", BERLIN) == "Montag, 6. Dezember 2021, 14:00 Uhr"


def test_telegram_language_codes_map_to_catalogs() -> None:
    assert normalize_language("en-GB") == "en"
    assert normalize_language("de") == "de"
    assert normalize_language("fr") == "de"
    assert normalize_language(None, "en") == "en"


def test_translated_text_nests_without_double_escaping() -> None:
    inner = t("de", "meetings.item_non_public")
    outer = t("de", "meetings.agenda_item", number="5", name="A & B", non_public=inner, paper="")
    assert outer == "<b>TOP 5</b> A &amp; B 🔒"


def test_plural_forms_follow_the_count() -> None:
    one = t("de", "attendance.overview.waiting", count=1)
    many = t("de", "attendance.overview.waiting", count=3)
    assert "hat 1 Mitglied noch nicht" in one
    assert "haben 3 Mitglieder noch nicht" in many
    assert "1 member has not" in t("en", "attendance.overview.waiting", count=1)
