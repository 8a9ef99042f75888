"""Checks a whole import file and collects every problem before anything is written.

Two passes. First each item's shape is validated on its own (schema.py), so one broken
meeting does not hide the problems of the others. Then duplicates and references (between
items, and to what the database already holds) are checked on the values as written, for
every item, even one whose shape is broken elsewhere: a meeting with a bad date and an
unknown committee gets both problems in the same run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.services.importer.problems import Path, Problem, place_of
from bot.services.importer.schema import (
    BodyIn,
    MeetingIn,
    MemberIn,
    OrganizationIn,
    PaperIn,
    describe,
    show,
)
from bot.services.importer.source import Source, read_yaml

ModelT = TypeVar("ModelT", bound=BaseModel)

LIST_SECTIONS: dict[str, type[BaseModel]] = {
    "organizations": OrganizationIn,
    "members": MemberIn,
    "meetings": MeetingIn,
    "papers": PaperIn,
}
SECTIONS = ("body", *LIST_SECTIONS)
ORGANIZATION_KINDS = ("committee", "faction", "department")

Raw = dict[str, Any]


@dataclass
class ImportData:
    """The validated items (each with its path) and the mappings as written, for the checks."""

    source: Source
    body: BodyIn | None = None
    organizations: list[OrganizationIn] = field(default_factory=list)
    members: list[MemberIn] = field(default_factory=list)
    meetings: list[MeetingIn] = field(default_factory=list)
    papers: list[PaperIn] = field(default_factory=list)
    raw: dict[str, list[tuple[Path, Raw]]] = field(default_factory=dict)

    def written(self, section: str) -> list[tuple[Path, Raw]]:
        return self.raw.get(section, [])

    def referenced(self) -> tuple[set[str], set[str], set[str]]:
        """Organization keys, paper references and meeting keys the file names anywhere."""
        organizations: set[str] = set()
        papers: set[str] = set()
        meetings: set[str] = set()
        for _, item in self.written("organizations"):
            _collect(organizations, item.get("key"))
        for _, item in self.written("members"):
            _collect(organizations, item.get("faction"))
            _collect(organizations, item.get("department"))
        for _, item in self.written("meetings"):
            _collect(meetings, item.get("key"))
            _collect(organizations, item.get("organization"))
            for _, entry in _entries(item, "agenda", ()):
                _collect(papers, entry.get("paper"))
        for _, item in self.written("papers"):
            _collect(papers, item.get("reference"))
            _collect(organizations, item.get("originator"))
            for _, entry in _entries(item, "consultations", ()):
                _collect(organizations, entry.get("organization"))
                _collect(meetings, entry.get("meeting"))
            for _, entry in _entries(item, "history", ()):
                _collect(organizations, entry.get("organization"))
        return organizations, papers, meetings


@dataclass(frozen=True)
class Known:
    """What the database already holds of the keys the file names (kinds as plain strings)."""

    organization_kinds: dict[str, str] = field(default_factory=dict)
    papers: frozenset[str] = frozenset()
    meetings: frozenset[str] = frozenset()


def _word(value: object) -> str | None:
    """A key or reference as written (YAML may have read `2021` as a number), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _collect(target: set[str], value: object) -> None:
    word = _word(value)
    if word is not None:
        target.add(word)


def _entries(item: Raw, name: str, path: Path) -> Iterator[tuple[Path, Raw]]:
    """The mappings in the list `item[name]` (agenda, consultations), with their paths."""
    entries = item.get(name)
    if isinstance(entries, list):
        for index, entry in enumerate(entries):
            if isinstance(entry, dict):
                yield (*path, name, index), entry


class _Problems:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.found: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        self.found.append(Problem(self.source.line_of(path), place_of(path), message))

    def item(self, model: type[ModelT], value: Any, path: Path, tz: tzinfo) -> ModelT | None:
        if path in self.source.unreadable:
            return None
        if not isinstance(value, dict):
            self.add(path, f"{show(value)} is not a mapping (key: value)")
            return None
        try:
            return model.model_validate(value, context={"tz": tz})
        except ValidationError as error:
            for detail in error.errors():
                place = (*path, *detail["loc"])
                if place not in self.source.unreadable:
                    self.add(place, describe(detail, model))
            return None

    def duplicates(self, items: list[tuple[Path, Raw]], name: str, note: str = "") -> None:
        first: dict[str, Path] = {}
        for path, item in items:
            value = _word(item.get(name))
            if value is None:
                continue
            if value in first:
                self.add(
                    (*path, name),
                    f"'{value}' is given twice (also at {place_of(first[value])}){note}",
                )
            else:
                first[value] = path


def parse(text: str, *, tz: tzinfo) -> tuple[ImportData, list[Problem]]:
    """Read the YAML and validate every item's shape; returns the usable items and problems."""
    source = read_yaml(text)
    problems = _Problems(source)
    problems.found += source.problems
    data = ImportData(source=source)
    root = source.data
    if not isinstance(root, dict):
        problems.add((), f"the file must be a mapping with the sections {', '.join(SECTIONS)}")
        return data, problems.found
    for name in root:
        if name not in SECTIONS:
            problems.add((name,), f"is not a known section (allowed: {', '.join(SECTIONS)})")
    if root.get("body") is not None:
        data.body = problems.item(BodyIn, root["body"], ("body",), tz)
    for name, model in LIST_SECTIONS.items():
        items = root.get(name)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.add((name,), f"{show(items)} is not a list")
            continue
        valid_items: list[Any] = getattr(data, name)
        written = data.raw.setdefault(name, [])
        for index, value in enumerate(items):
            path: Path = (name, index)
            valid = problems.item(model, value, path, tz)
            if isinstance(valid, MeetingIn) and valid.end is not None and valid.end <= valid.start:
                problems.add((*path, "end"), "the end must be after the start")
            elif valid is not None:
                valid_items.append(valid)
            if isinstance(value, dict):
                written.append((path, value))
    return data, problems.found


def check_references(data: ImportData, known: Known, *, group_key: str) -> list[Problem]:
    """Duplicates, time order and every reference between items and to the database."""
    problems = _Problems(data.source)
    problems.duplicates(data.written("organizations"), "key")
    problems.duplicates(data.written("meetings"), "key")
    problems.duplicates(data.written("papers"), "reference")
    members = data.written("members")
    problems.duplicates(members, "telegram_id")
    unlinked = [(path, item) for path, item in members if item.get("telegram_id") is None]
    problems.duplicates(unlinked, "name", "; without telegram_id a member is known by name")

    kinds = dict(known.organization_kinds)
    for _, item in data.written("organizations"):
        key, kind = _word(item.get("key")), item.get("kind")
        if key is not None:
            kinds[key] = kind if kind in ORGANIZATION_KINDS else ""  # "": kind unknown
    papers = set(known.papers)
    for _, item in data.written("papers"):
        _collect(papers, item.get("reference"))
    meetings = set(known.meetings)
    for _, item in data.written("meetings"):
        _collect(meetings, item.get("key"))

    def organization(path: Path, value: object, wanted: str, what: str) -> None:
        key = _word(value)
        if key is None:
            return  # missing or of the wrong type: the shape check said so already
        if key not in kinds:
            problems.add(
                path,
                f"{what} '{key}' is neither among the organizations of this file "
                "nor in the database",
            )
        elif wanted and kinds[key] and kinds[key] != wanted:
            problems.add(path, f"'{key}' is a {kinds[key]}, not a {wanted}")

    def reference(path: Path, value: object, known_values: set[str], what: str) -> None:
        word = _word(value)
        if word is not None and word not in known_values:
            problems.add(path, f"{what} '{word}' is neither in this file nor in the database")

    if members and group_key not in kinds:
        problems.add(
            ("members",),
            f"the steering group '{group_key}' (GREMIENBOT_GROUP_KEY) is not among the "
            "organizations, so the members cannot join it",
        )
    for path, item in members:
        faction = _word(item.get("faction"))
        if faction is not None and kinds.get(faction) == "department":
            problems.add(
                (*path, "faction"),
                f"'{faction}' is a department, not a faction: write 'department: {faction}'",
            )
        else:
            organization((*path, "faction"), item.get("faction"), "faction", "the faction")
        organization((*path, "department"), item.get("department"), "department", "the department")
        if faction is not None and _word(item.get("department")) is not None:
            problems.add(
                (*path, "department"),
                "a member has a faction or a department, not both",
            )
    for path, item in data.written("meetings"):
        organization((*path, "organization"), item.get("organization"), "", "the organization")
        agenda = list(_entries(item, "agenda", path))
        problems.duplicates(agenda, "number")
        for entry_path, entry in agenda:
            reference((*entry_path, "paper"), entry.get("paper"), papers, "the paper")
    for path, item in data.written("papers"):
        organization((*path, "originator"), item.get("originator"), "", "the originator")
        for entry_path, entry in _entries(item, "consultations", path):
            organization(
                (*entry_path, "organization"),
                entry.get("organization"),
                "committee",
                "the committee",
            )
            reference((*entry_path, "meeting"), entry.get("meeting"), meetings, "the meeting")
        for entry_path, entry in _entries(item, "history", path):
            organization(
                (*entry_path, "organization"),
                entry.get("organization"),
                "committee",
                "the committee",
            )
    return problems.found
