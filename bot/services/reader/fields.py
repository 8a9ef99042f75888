"""One small rule per field of a Vorlage. A rule that finds nothing answers None: never guess.

Rules look where a Vorlage states the value (the head, a header table, a named section), not
anywhere in the text: the prose of a Sachverhalt mentions other references and dates.
"""

from __future__ import annotations

import re
from datetime import date

from bot.services.reader.borderless import rebuild_tables
from bot.services.reader.dates import DATE_PATTERN, parse_date
from bot.services.reader.lines import Line
from bot.services.reader.model import ROLES, Consultation, HistoryEntry, Vorlage
from bot.services.reader.sections import Section, Structure, labelled, split_sections, table_value

REFERENCE_PATTERN = r"\d{4}/\d{1,5}(?:/\d{1,3})?"
_REFERENCE = re.compile(rf"\b{REFERENCE_PATTERN}\b")
_REFERENCE_LABEL = r"(?:Drucksachen?-?\s?(?:Nr\.?|Nummer)|Drucksache|Vorlagen?-?(?:Nr\.?|Nummer))"
_LABELLED_REFERENCE = re.compile(rf"{_REFERENCE_LABEL}\s*:?\s*({REFERENCE_PATTERN})\b")
_VORLAGE_LINE = re.compile(rf"^Vorlage\s*[-–:]\s*({REFERENCE_PATTERN})\b")
PAPER_TYPES = (
    "Beschlussvorlage",
    "Informationsvorlage",
    "Mitteilungsvorlage",
    "Berichtsvorlage",
    "Sitzungsvorlage",
    "Ergänzungsvorlage",
    "Antrag",
    "Anfrage",
)
_TYPE_LINE = re.compile(r"^(" + "|".join(PAPER_TYPES) + r")\b(?:\s*:.*|\s+(?:der|des|zu)\b.*)?$")
_AGENDA = re.compile(
    r"^(?:Tagesordnungspunkt|TOP)\s*(?:Nr\.?)?\s*:?\s*(\d{1,3}(?:\.\d{1,3})*[a-z]?)$"
)
_DATE_LINE = re.compile(rf"^[A-ZÄÖÜ][\w .()/-]*,\s*(?:den\s+)?({DATE_PATTERN})$")
_FACTION = re.compile(
    r"((?:[\w.&/]+(?:[ -][\w.&/]+)?[ -])?(?:Kreistags|Gemeinderats|Stadtrats)?[Ff]raktion"
    r"(?:\s+(?:der|des)\s+[\w./&-]+(?:\s+[\w./&-]+)?)?)"
)
_FACTION_TAIL = re.compile(r"\s+(?:im|in der|des)\s.*$")
_ROLE_LINE = re.compile(rf"^({DATE_PATTERN})\s+(.+?)\s+({'|'.join(ROLES)})$")
_PUBLIC = {"öffentlich": True, "nichtöffentlich": False, "nicht öffentlich": False}
_POINT = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")
_HISTORY = re.compile(
    rf"^({DATE_PATTERN})\s*[,:]?\s+(.+?)\s*[,;(]\s*(?:{_REFERENCE_LABEL}\s*:?\s*)?"
    rf"({REFERENCE_PATTERN})\)?\.?$"
)
_ATTACHMENT_PREFIX = re.compile(r"^(?:Anlage\s*\d+[a-z]?\s*[:.-]?\s*|\d{1,2}[.)]\s+|[-•–]\s+)")
_NONE = {"keine", "keine.", "-", "–", "entfällt"}
_NUMBERED_HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S.{0,60}$")
_SENTENCE_END = re.compile(r"(?<=[a-zäöüß]{2}[.!?])\s+(?=[A-ZÄÖÜ])")
SUMMARY_CHARACTERS = 300


def read_fields(lines: list[Line]) -> Vorlage:
    structure = split_sections(rebuild_tables(lines))
    return Vorlage(
        reference=read_reference(structure),
        date=read_date(structure),
        paper_type=read_paper_type(structure),
        originator=read_originator(structure),
        title=read_title(structure),
        consultations=read_consultations(structure),
        agenda_item=read_agenda_item(structure),
        proposal_points=read_proposal_points(structure),
        history=read_history(structure),
        summary=read_summary(structure),
        attachments=read_attachments(structure),
    )


def read_reference(structure: Structure) -> str | None:
    """The Drucksachen-Nr.: from the header table, a "Vorlage - 2026/204" line or a label."""
    head = structure.head
    cell = table_value(head, "Drucksachen-Nr.", "Drucksache", "Vorlagen-Nr.", "Vorlage-Nr.")
    if cell and (found := _REFERENCE.search(cell)):
        return found.group(0)
    for line in head:
        if line.cells is None and (found := _VORLAGE_LINE.match(line.text)):
            return found.group(1)
    for line in head:
        if found := _LABELLED_REFERENCE.search(line.text):
            return found.group(1)
    return None


def read_date(structure: Structure) -> date | None:
    """The Vorlage's own date: header table, "Datum: …", or the letter's "Ort, 3. März 2026"."""
    head = structure.head
    for text in (table_value(head, "Datum"), labelled(head, "Datum", "Vorlagedatum")):
        if text and (day := parse_date(text)):
            return day
    for line in head:
        if line.cells is None and (found := _DATE_LINE.match(line.text)):
            return parse_date(found.group(1))
    return None


def read_paper_type(structure: Structure) -> str | None:
    head = structure.head
    value = labelled(head, "Vorlage-Art", "Vorlagenart", "Vorlageart", "Art der Vorlage")
    if value:
        return value
    for line in head:
        if line.cells is None and (found := _TYPE_LINE.match(line.text)):
            return found.group(1)
    return None


def read_originator(structure: Structure) -> str | None:
    """The federführende department, or for a faction's Antrag the faction of the letterhead."""
    head = structure.head
    value = table_value(head, "Organisationseinheit", "Federführend", "Amt", "Dezernat")
    value = value or labelled(
        head, "Federführend", "Federführendes Amt", "Organisationseinheit", "Einreicher"
    )
    if value:
        return value
    for line in head[:5]:  # the letterhead
        if line.cells is None and (found := _FACTION.search(line.text)):
            return _FACTION_TAIL.sub("", found.group(1)).strip()
    return None


def read_title(structure: Structure) -> str | None:
    """Betreff: a labelled line, "Antrag: …", or the block between the head tables and the
    first section (the bold title of a Beschlussvorlage)."""
    head = structure.head
    value = labelled(head, "Betreff", "Antrag", "Anfrage", "Gegenstand")
    if value:
        return value
    anchor = None
    for index, line in enumerate(head):
        if line.cells is not None or _AGENDA.match(line.text):
            anchor = index
    if anchor is None or not structure.sections:
        return None
    block = head[anchor + 1 :]
    if not block or len(block) > 3 or any(line.cells is not None for line in block):
        return None
    return " ".join(line.text for line in block)


def read_consultations(structure: Structure) -> list[Consultation]:
    """The Beratungsfolge: a table (committee | Sitzungsart | date) or lines "date committee
    role" under "Beratungsfolge:"; a public status not given per row comes from "Status:"."""
    head = structure.head
    status = labelled(head, "Status")
    document_public = _PUBLIC.get(status.casefold()) if status else None
    found = _consultation_table(head, document_public)
    if found:
        return found
    lines = structure.section(Section.CONSULTATIONS) or []
    steps: list[Consultation] = []
    for line in lines:
        match = _ROLE_LINE.match(line.text)
        if match:
            steps.append(
                Consultation(
                    organization=match.group(2),
                    date=parse_date(match.group(1)),
                    public=document_public,
                    role=match.group(3),
                )
            )
        elif steps:
            break
    return steps


def _consultation_table(head: list[Line], document_public: bool | None) -> list[Consultation]:
    for index, line in enumerate(head):
        cells = [cell.casefold() for cell in line.cells or ()]
        if not cells or not cells[0].startswith("beratungsfolge"):
            continue
        columns = {
            "date": _column(cells, "sitzungstermin", "termin", "datum"),
            "public": _column(cells, "sitzungsart", "öffentlich", "status"),
            "role": _column(cells, "zuständigkeit", "rolle", "beratungsart"),
        }
        steps: list[Consultation] = []
        for row in head[index + 1 :]:
            if row.cells is None or not row.cells[0]:
                break
            values = {
                name: (row.cells[column] if column is not None and column < len(row.cells) else "")
                for name, column in columns.items()
            }
            public = _PUBLIC.get(values["public"].casefold(), document_public)
            steps.append(
                Consultation(
                    organization=row.cells[0],
                    date=parse_date(values["date"]),
                    public=public,
                    role=values["role"] or None,
                )
            )
        return steps
    return []


def _column(cells: list[str], *names: str) -> int | None:
    for column, cell in enumerate(cells):
        if any(cell.startswith(name) for name in names):
            return column
    return None


def read_agenda_item(structure: Structure) -> str | None:
    value = table_value(structure.head, "TOP", "Tagesordnungspunkt")
    if value:
        return value
    for line in structure.head:
        if line.cells is None and (found := _AGENDA.match(line.text)):
            return found.group(1)
    return None


def read_proposal_points(structure: Structure) -> list[str]:
    """The numbered points of the Beschlussvorschlag (or after "… möge beschließen:"); an
    unnumbered proposal is one point. Wrapped lines are joined."""
    lines = structure.section(Section.PROPOSAL)
    if not lines:
        return []
    points: list[str] = []
    numbered = bool(_POINT.match(lines[0].text))
    for line in lines:
        match = _POINT.match(line.text) if numbered else None
        if match and int(match.group(1)) == len(points) + 1:
            points.append(match.group(2))
        elif points:
            points[-1] = f"{points[-1]} {line.text}"
        else:
            points.append(line.text)
    return [point.strip() for point in points]


def read_history(structure: Structure) -> list[HistoryEntry]:
    """Lines "7. Februar 2022, Kreistag, Drucksachen-Nr. 2022/011" at the start of the Historie;
    the first prose line ends the list (prose mentions other dates and references)."""
    lines = structure.section(Section.HISTORY) or []
    entries: list[HistoryEntry] = []
    for line in lines:
        match = _HISTORY.match(line.text)
        day = parse_date(match.group(1)) if match else None
        if match is None or day is None:
            break
        entries.append(
            HistoryEntry(date=day, organization=match.group(2).strip(), reference=match.group(3))
        )
    return entries


def read_summary(structure: Structure) -> str | None:
    """The first sentences of the Sachverhalt (after any history lines), about 300 characters;
    for an Antrag the Begründung."""
    lines = structure.section(Section.FACTS)
    if lines is None:
        history = structure.section(Section.HISTORY)
        lines = history[len(read_history(structure)) :] if history is not None else None
    if lines is None:
        lines = structure.section(Section.REASONS)
    if not lines:
        return None
    prose = [line.text for line in lines if line.cells is None and not _is_heading(line.text)]
    text = " ".join(prose).strip()
    if not text:
        return None
    summary = ""
    for sentence in _SENTENCE_END.split(text):
        summary = f"{summary} {sentence}".strip()
        if len(summary) >= SUMMARY_CHARACTERS:
            break
    return summary


def _is_heading(text: str) -> bool:
    """A numbered heading in the Sachverhalt ("1. Ausgangslage"): short, no sentence end."""
    return bool(_NUMBERED_HEADING.match(text)) and not text.rstrip().endswith((".", ":"))


def read_attachments(structure: Structure) -> list[str] | None:
    """The names under "Anlagen" ("Anlagen: Keine" is none); None when there is no such part."""
    lines = structure.section(Section.ATTACHMENTS)
    if lines is None:
        return None
    names: list[str] = []
    for line in lines:
        text = line.text.strip()
        if text.casefold() in _NONE:
            return []
        name = _ATTACHMENT_PREFIX.sub("", text).strip()
        if name:
            names.append(name)
    return names
