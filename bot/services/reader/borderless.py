"""Tables drawn without lines (as Word exports often are) come out of a PDF as plain lines:
"Organisationseinheit Datum Drucksachen-Nr." and then "Amt für Migration und 14.03.2022
2022/037", with the wrapped rest of the first cell on the next line. This rule recognises
such a header by its known column labels and rebuilds the rows from the values each column
takes (a date, a reference, "öffentlich", a role); the one free-text column collects the
wrapped lines, above the values (cells aligned at the bottom) or below them (at the top).
"""

from __future__ import annotations

import re

from bot.services.reader.dates import DATE_PATTERN
from bot.services.reader.lines import Line, join_wrapped
from bot.services.reader.model import ROLES
from bot.services.reader.sections import heading_of

TEXT = r"(.+?)"
_REFERENCE = r"(\d{4}/\d{1,5}(?:/\d{1,3})?)"
_PUBLIC = r"(öffentlich|nichtöffentlich|nicht öffentlich)"
_ROLE = f"({'|'.join(ROLES)})"
COLUMNS = {
    "organisationseinheit": TEXT,
    "federführend": TEXT,
    "beratungsfolge": TEXT,
    "gremium": TEXT,
    "datum": f"({DATE_PATTERN})",
    "sitzungstermin": f"({DATE_PATTERN})",
    "sitzungstermin/e": f"({DATE_PATTERN})",
    "drucksachen-nr.": _REFERENCE,
    "vorlagen-nr.": _REFERENCE,
    "sitzungsart": _PUBLIC,
    "zuständigkeit": _ROLE,
}
MAX_WRAPPED = 3  # lines one cell may wrap over
_STOP = re.compile(r"^(?:Tagesordnungspunkt|TOP)\b|^[\w .-]{2,40}:\s")


def rebuild_tables(lines: list[Line]) -> list[Line]:
    result: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        columns = _header(line)
        if columns is None:
            result.append(line)
            index += 1
            continue
        rows, index = _rows(lines, index + 1, columns)
        if not rows:
            result.append(line)
            continue
        result.append(Line.row(line.text.split()))
        result.extend(Line.row(cells) for cells in rows)
    return result


def _header(line: Line) -> list[str] | None:
    if line.cells is not None:
        return None
    words = line.text.split()
    labels = [word.casefold() for word in words]
    if len(labels) < 2 or any(label not in COLUMNS for label in labels):
        return None
    if sum(COLUMNS[label] == TEXT for label in labels) > 1:
        return None  # two free-text columns cannot be told apart
    return labels


def _stops(line: Line) -> bool:
    return (
        line.cells is not None
        or heading_of(line) is not None
        or _header(line) is not None
        or bool(_STOP.match(line.text))
    )


def _rows(lines: list[Line], start: int, columns: list[str]) -> tuple[list[list[str]], int]:
    pattern = re.compile(r"\s+".join(COLUMNS[column] for column in columns), re.IGNORECASE)
    text_column = next((n for n, column in enumerate(columns) if COLUMNS[column] == TEXT), None)
    rows: list[list[str]] = []
    pending: list[str] = []  # wrapped lines not yet given to a row
    top_aligned: bool | None = None
    index = start
    while index < len(lines) and not _stops(lines[index]):
        match = pattern.fullmatch(lines[index].text)
        if match is None:
            if text_column is None or len(pending) >= MAX_WRAPPED:
                break
            pending.append(lines[index].text)
            index += 1
            continue
        if top_aligned is None:
            top_aligned = not pending
        cells = list(match.groups())
        if text_column is not None and pending:
            if top_aligned:
                rows[-1][text_column] = join_wrapped("\n".join([rows[-1][text_column], *pending]))
            else:
                cells[text_column] = join_wrapped("\n".join([*pending, cells[text_column]]))
            pending = []
        rows.append(cells)
        index += 1
    if pending:
        if top_aligned and rows and text_column is not None:
            rows[-1][text_column] = join_wrapped("\n".join([rows[-1][text_column], *pending]))
        else:
            index -= len(pending)  # not part of the table after all
    return rows, index
