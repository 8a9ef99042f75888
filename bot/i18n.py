"""Message catalogs (bot/locales/<lang>/*.yaml) and locale-aware date formatting (Babel).

Each capability keeps its texts in a file of its own (core.yaml, members.yaml, ...); the
files of one language are merged, and a key defined twice is an error.

Catalog entries are HTML templates with `{name}` placeholders. Every value passed to `t()`
is HTML-escaped unless it is wrapped in `Html` (already-rendered markup), so no handler can
forget to escape a title that contains `&` or `<`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime, format_time

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
# Dates and times in English follow British/European usage: 24-hour clock, day before month.
BABEL_LOCALES = {"de": "de_DE", "en": "en_GB"}


def babel_locale(language: str) -> str:
    """The Babel locale for formatting dates and numbers in one of our languages."""
    return BABEL_LOCALES.get(language, language)


class Html(str):
    """A string that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if not isinstance(key, str):
            # YAML 1.1 reads bare yes/no/on/off as booleans: a key must be quoted or renamed.
            raise ValueError(f"catalog key {prefix}{key!r} is not a string")
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / language).glob("*.yaml")):
        with path.open(encoding="utf-8") as stream:
            entries = _flatten(yaml.safe_load(stream) or {})
        duplicates = merged.keys() & entries.keys()
        if duplicates:
            raise ValueError(f"{path}: keys defined twice: {', '.join(sorted(duplicates))}")
        merged.update(entries)
    return merged


def normalize_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a Telegram language_code ('en-GB', 'de') to one of our catalogs."""
    if code:
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default


class SpeaksLanguages(Protocol):
    """A person as far as their language goes (storage.models.Person)."""

    @property
    def language(self) -> str | None: ...  # their own choice (/sprache)

    @property
    def telegram_language(self) -> str | None: ...  # what Telegram reported


def person_language(person: SpeaksLanguages, default: str) -> str:
    """The member's own choice, else their Telegram language, else the configured default."""
    return person.language or normalize_language(person.telegram_language, default)


def escape(value: object) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)


def _lookup(language: str, key: str) -> str | None:
    return catalog(language).get(key) or catalog(DEFAULT_LANGUAGE).get(key)


def t(language: str, key: str, /, **values: object) -> Html:
    """The catalog text for `key` in `language` (falling back to German), values escaped.

    The result is safe HTML, so it can be passed into another `t()` without being escaped.
    """
    template = _lookup(language, key)
    count = values.get("count")
    if template is None and isinstance(count, int):
        # Plural forms as sub-keys (`one`, `other`), chosen by the locale's CLDR rule.
        form = Locale.parse(language).plural_form(count)
        template = _lookup(language, f"{key}.{form}") or _lookup(language, f"{key}.other")
    if template is None:
        raise KeyError(f"message '{key}' is missing from the catalogs")
    return Html(template.format(**{name: escape(value) for name, value in values.items()}))


def format_when(moment: datetime, language: str, tz: tzinfo) -> str:
    """'Montag, 5. Juli 2021, 14:00 Uhr' / 'Monday, 5 July 2021, 14:00'."""
    local = moment.astimezone(tz)
    locale = babel_locale(language)
    return t(
        language,
        "format.datetime",
        date=babel_format_date(local.date(), "full", locale=locale),
        time=format_time(local, "short", tzinfo=tz, locale=locale),
    )


def format_clock(moment: datetime, language: str, tz: tzinfo) -> str:
    """'18:00 Uhr' / '18:00'."""
    time = format_time(moment.astimezone(tz), "short", tzinfo=tz, locale=babel_locale(language))
    return t(language, "format.time", time=time)


def format_date(day: date, language: str) -> str:
    """'2. Juni 2021' / '2 June 2021' (a document's date: no weekday)."""
    return str(babel_format_date(day, "long", locale=babel_locale(language)))


def format_day(day: date, language: str) -> str:
    """'Montag, 5. Juli 2021' / 'Monday, 5 July 2021'."""
    return str(babel_format_date(day, "full", locale=babel_locale(language)))


def format_short(moment: datetime, language: str, tz: tzinfo) -> str:
    """'05.07.21, 14:00' / '05/07/2021, 14:00' for lists and tables."""
    return str(format_datetime(moment, "short", tzinfo=tz, locale=babel_locale(language)))
