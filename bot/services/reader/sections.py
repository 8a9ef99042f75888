"""A Vorlage's structure: the head (before the first section) and its named sections.

Also the two ways a head states a value: a labelled line ("Status: öffentlich") and a header
table (a row of labels, the next row the values).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from bot.services.reader.lines import Line


class Section(enum.StrEnum):
    PROPOSAL = "proposal"  # Beschlussvorschlag, "… möge beschließen:"
    HISTORY = "history"  # Historie (und Sachverhalt)
    FACTS = "facts"  # Sachverhalt
    REASONS = "reasons"  # Begründung (an Antrag's Sachverhalt)
    CONSULTATIONS = "consultations"  # Beratungsfolge as lines
    ATTACHMENTS = "attachments"  # Anlagen
    OTHER = "other"  # checkbox sections, the letter's closing


_HEADINGS: dict[str, Section] = {
    "beschlussvorschlag": Section.PROPOSAL,
    "beschlussantrag": Section.PROPOSAL,
    "antrag der verwaltung": Section.PROPOSAL,
    "historie und sachverhalt": Section.HISTORY,
    "historie": Section.HISTORY,
    "bisherige beratungen": Section.HISTORY,
    "sachverhalt": Section.FACTS,
    "sachverhalt und begründung": Section.FACTS,
    "sachdarstellung": Section.FACTS,
    "begründung": Section.REASONS,
    "beratungsfolge": Section.CONSULTATIONS,
    "anlagen": Section.ATTACHMENTS,
    "anlage": Section.ATTACHMENTS,
    "art der aufgabe": Section.OTHER,
    "finanzielle auswirkungen": Section.OTHER,
    "mit freundlichen grüßen": Section.OTHER,
}
_MOVES = re.compile(r"\bmöge(?:n)?\s+(?:folgendes\s+)?beschließen\s*:?$", re.IGNORECASE)
_INLINE = re.compile(r"^(anlagen?|beschlussvorschlag)\s*:\s*(\S.*)$", re.IGNORECASE)


@dataclass
class Structure:
    head: list[Line]
    sections: list[tuple[Section, str, list[Line]]] = field(default_factory=list)

    def section(self, *kinds: Section) -> list[Line] | None:
        """The lines of the first section of one of these kinds, or None when there is none."""
        for kind, _, lines in self.sections:
            if kind in kinds:
                return lines
        return None

    def heading(self, kind: Section) -> str | None:
        for found, heading, _ in self.sections:
            if found is kind:
                return heading
        return None


def heading_of(line: Line) -> tuple[Section, str | None] | None:
    """The section a line opens, and any value written on the same line ("Anlagen: Keine")."""
    if line.cells is not None and len([cell for cell in line.cells if cell]) > 1:
        return None
    text = line.text.strip()
    bare = text.rstrip(":").strip().lower()  # not casefold: "grüße" keeps its ß
    if bare in _HEADINGS:
        return _HEADINGS[bare], None
    if _MOVES.search(text):
        return Section.PROPOSAL, None
    inline = _INLINE.match(text)
    if inline:
        return _HEADINGS[inline.group(1).lower()], inline.group(2).strip()
    return None


def split_sections(lines: list[Line]) -> Structure:
    structure = Structure(head=[])
    current = structure.head
    for line in lines:
        found = heading_of(line)
        if found is None:
            current.append(line)
            continue
        kind, inline = found
        current = [Line(inline)] if inline else []
        structure.sections.append((kind, line.text, current))
    return structure


def labelled(lines: list[Line], *labels: str) -> str | None:
    """The value of the first line "Label: value" for one of `labels`."""
    pattern = re.compile(
        r"^(?:" + "|".join(re.escape(label) for label in labels) + r")\s*:\s*(\S.*)$",
        re.IGNORECASE,
    )
    for line in lines:
        if line.cells is not None:
            continue
        match = pattern.match(line.text)
        if match:
            return match.group(1).strip()
    return None


def table_value(lines: list[Line], *labels: str) -> str | None:
    """The value under a header cell named one of `labels` (the next table row, same column)."""
    wanted = {label.casefold() for label in labels}
    for index, line in enumerate(lines[:-1]):
        below = lines[index + 1]
        if line.cells is None or below.cells is None:
            continue
        for column, cell in enumerate(line.cells):
            if cell.rstrip(":").casefold() in wanted and column < len(below.cells):
                return below.cells[column].strip() or None
    return None
