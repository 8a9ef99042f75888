"""German dates as Vorlagen write them: "14.03.2022", "3.3.2022", "3. März 2022"."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
}
_MONTH_NAMES = "|".join(MONTHS)
DATE_PATTERN = (
    r"(?:\d{1,2}\.\s?\d{1,2}\.\s?\d{4}"
    rf"|\d{{1,2}}\.\s*(?i:{_MONTH_NAMES})\s+\d{{4}})"
)
_NUMERIC = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})")
_WRITTEN = re.compile(rf"(\d{{1,2}})\.\s*({_MONTH_NAMES})\s+(\d{{4}})", re.IGNORECASE)


def parse_date(text: str) -> date | None:
    """The date `text` is (surrounding spaces allowed); None for anything else or no real day."""
    text = text.strip()
    numeric = _NUMERIC.fullmatch(text)
    written = _WRITTEN.fullmatch(text)
    try:
        if numeric:
            day, month, year = (int(part) for part in numeric.groups())
            return date(year, month, day)
        if written:
            return date(int(written.group(3)), MONTHS[written.group(2).lower()], int(written[1]))
    except ValueError:
        return None
    return None
