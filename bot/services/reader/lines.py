"""The text of a document as lines, per page, with table rows kept as cells.

Every extractor produces `Line`s; `clean_pages` then drops page furniture (repeated headers and
footers, "Seite 1 von 2", print dates) and joins words broken by a hyphen at a line end.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_PAGE_NUMBER = re.compile(r"^(?:-\s*\d+\s*-|Seite\s+\d+(?:\s*(?:von|/)\s*\d+)?)$", re.IGNORECASE)
_PAGE_NUMBER_TAIL = re.compile(r"\s+Seite\s+\d+\s*(?:von|/)\s*\d+$", re.IGNORECASE)
_PRINTED = re.compile(r"^(?:gedruckt|druckdatum|ausdruck vom|erstellt am)\b", re.IGNORECASE)
# A line that ends in a word and a hyphen, continued by a lower-case word: one broken word.
_BROKEN_END = re.compile(r"(\w)-$")
_CONTINUES = re.compile(r"^([a-zäöüß]+)")
# "Kinder- und Jugendhilfe": the hyphen belongs to the first word, it is not a break.
_CONJUNCTIONS = {"und", "oder", "bzw", "sowie"}
_EDGE = 3  # lines at the top and bottom of a page where headers and footers live


@dataclass(frozen=True)
class Line:
    """One line of text, or one table row (then `cells` holds the cells' text)."""

    text: str
    cells: tuple[str, ...] | None = None

    @classmethod
    def row(cls, cells: list[str]) -> Line:
        cleaned = tuple(join_wrapped(cell) for cell in cells)
        return cls(text="  ".join(cell for cell in cleaned if cell), cells=cleaned)


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    return _SPACE.sub(" ", text).strip()


def join_wrapped(text: str | None) -> str:
    """The lines of one wrapped cell or paragraph as one line, broken words joined."""
    parts = [normalize(part) for part in (text or "").splitlines()]
    joined = ""
    for part in filter(None, parts):
        joined = _join(joined, part) if joined else part
    return joined


def _join(left: str, right: str) -> str:
    if broken_word(left, right):
        return left[:-1] + right
    return f"{left} {right}"


def broken_word(left: str, right: str) -> bool:
    follow = _CONTINUES.match(right)
    return bool(_BROKEN_END.search(left) and follow and follow.group(1) not in _CONJUNCTIONS)


def _furniture_form(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def clean_pages(pages: list[list[Line]]) -> list[Line]:
    """One list of lines: furniture dropped, broken words joined across lines."""
    pages = [[line for line in page if line.text] for page in pages]
    repeated: set[str] = set()
    if len(pages) > 1:
        counts: Counter[str] = Counter()
        for page in pages:
            edges = {_furniture_form(line.text) for line in page[:_EDGE] + page[-_EDGE:]}
            counts.update(edges)
        repeated = {form for form, count in counts.items() if count == len(pages)}
    lines: list[Line] = []
    for page in pages:
        for index, line in enumerate(page):
            at_edge = index < _EDGE or index >= len(page) - _EDGE
            if at_edge and _furniture_form(line.text) in repeated:
                continue
            if line.cells is None:
                if _PAGE_NUMBER.match(line.text) or _PRINTED.match(line.text):
                    continue
                text = _PAGE_NUMBER_TAIL.sub("", line.text)
                if text != line.text:
                    line = Line(text)
            lines.append(line)
    return _join_broken_words(lines)


def _join_broken_words(lines: list[Line]) -> list[Line]:
    joined: list[Line] = []
    for line in lines:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.cells is None
            and line.cells is None
            and broken_word(previous.text, line.text)
        ):
            joined[-1] = Line(previous.text[:-1] + line.text)
        else:
            joined.append(line)
    return joined
