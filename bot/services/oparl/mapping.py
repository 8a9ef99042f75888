"""OParl objects → the importer's items (DESIGN §2): what each field becomes.

The sync writes through the importer's upsert (bot/services/importer/apply.py), so an OParl
object is turned into the same `MeetingIn` / `PaperIn` an import file gives: one way to apply a
change and to record it for the notices. Local fields the RIS does not know (a meeting's `rsvp`
and kind, a paper's proposal and summary) are passed through from the stored row.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from bot.services.importer.schema import AgendaItemIn
from bot.services.oparl.values import as_list, flag, reference, text
from storage.models import OrganizationKind

JsonDict = dict[str, Any]

_FACTION = ("fraktion", "gruppe im rat", "parliamentary group")
_DEPARTMENT = ("verwaltung", "dezernat", "amt", "referat", "fachbereich", "fachdienst", "behörde")


def organization_kind(item: JsonDict) -> OrganizationKind:
    """From `organizationType` (Gremium, Fraktion, Verwaltungsbereich, …) and `classification`."""
    words = " ".join(
        (text(item.get(field)) or "").casefold() for field in ("organizationType", "classification")
    )
    if any(word in words for word in _FACTION):
        return OrganizationKind.FACTION
    if any(word in words for word in _DEPARTMENT):
        return OrganizationKind.DEPARTMENT
    return OrganizationKind.COMMITTEE


def organization_name(item: JsonDict) -> str | None:
    return text(item.get("name"), 255) or text(item.get("shortName"), 255)


def location(value: Any) -> str | None:
    """A Location object's description (or street and room); a bare URL says nothing."""
    if isinstance(value, dict):
        parts = [text(value.get(f)) for f in ("description", "streetAddress", "room")]
        described = text(value.get("description"))
        if described:
            return described[:255]
        joined = ", ".join(part for part in parts if part)
        return joined[:255] or None
    found = text(value, 255)
    return None if found is None or found.startswith(("http://", "https://")) else found


class AgendaEntry(NamedTuple):
    """One agenda item as the meeting gives it."""

    number: str  # unique within the meeting
    name: str
    public: bool
    paper: str | None  # the Vorlage's reference, through the item's consultation (`with_papers`)
    consultation: str | None  # that consultation's OParl id
    oparl_id: str | None
    result: str | None  # the decision taken

    def as_item(self) -> AgendaItemIn:
        return AgendaItemIn.model_construct(
            number=self.number, name=self.name, public=self.public, paper=self.paper
        )


def agenda(items: Any) -> list[AgendaEntry]:
    """Agenda entries in order, with unique numbers, without their Vorlagen (`with_papers`)."""
    entries: list[AgendaEntry] = []
    seen: set[str] = set()
    ordered = sorted(
        (item for item in as_list(items) if isinstance(item, dict) and not item.get("deleted")),
        key=_order,
    )
    for position, item in enumerate(ordered, start=1):
        number = text(item.get("number"), 20) or str(position)
        while number in seen:
            number = f"{number}."[:20] if len(number) < 20 else str(position)
        seen.add(number)
        consultation = reference(item.get("consultation"))
        entries.append(
            AgendaEntry(
                number=number,
                name=text(item.get("name")) or number,
                public=flag(item.get("public"), True),
                paper=None,
                consultation=consultation,
                oparl_id=reference(item),
                result=text(item.get("result"), 2000),
            )
        )
    return entries


def _order(item: JsonDict) -> int:
    order = item.get("order")
    return order if isinstance(order, int) else 0


def with_papers(entries: list[AgendaEntry], papers: dict[str, str]) -> list[AgendaEntry]:
    """The entries with their Vorlagen: `papers` maps consultation ids to paper references (an
    item deals with a Vorlage through its consultation)."""
    if not papers:
        return entries
    return [
        entry._replace(paper=papers.get(entry.consultation)) if entry.consultation else entry
        for entry in entries
    ]


def paper_files(item: JsonDict) -> list[JsonDict]:
    """mainFile first, then auxiliaryFile, each a File object with an id."""
    files = [*as_list(item.get("mainFile")), *as_list(item.get("auxiliaryFile"))]
    return [f for f in files if isinstance(f, dict) and reference(f) and not f.get("deleted")]


# A meeting's own documents (OParl Meeting): the field and the role its file gets.
MEETING_DOCUMENTS = (
    ("invitation", "invitation"),
    ("resultsProtocol", "results_protocol"),
    ("verbatimProtocol", "verbatim_protocol"),
    ("auxiliaryFile", "auxiliary"),
)
PROTOCOLS = {"results_protocol", "verbatim_protocol"}


def meeting_files(item: JsonDict) -> list[tuple[str, JsonDict]]:
    """(role, File object) of a meeting's invitation, protocols and auxiliary files."""
    found: list[tuple[str, JsonDict]] = []
    seen: set[str] = set()
    for field, role in MEETING_DOCUMENTS:
        for entry in as_list(item.get(field)):
            ref = reference(entry)
            if isinstance(entry, dict) and ref and not entry.get("deleted") and ref not in seen:
                seen.add(ref)
                found.append((role, entry))
    return found
