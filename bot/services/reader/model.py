"""What was read from a Vorlage: plain values only (str, date, bool, lists), JSON-friendly."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# A consultation's role as Vorlagen name it (Zuständigkeit, Beratungsart).
ROLES = (
    "Vorberatung",
    "Entscheidung",
    "Beschlussfassung",
    "Kenntnisnahme",
    "Anhörung",
    "Beratung",
    "Empfehlung",
)
# Roles that make a consultation the deciding one (import key `authoritative`).
AUTHORITATIVE_ROLES = ("entscheidung", "beschlussfassung")


@dataclass(frozen=True)
class Consultation:
    """One step of the Beratungsfolge, as far as the document states it."""

    organization: str
    date: date | None = None
    public: bool | None = None
    role: str | None = None

    @property
    def authoritative(self) -> bool:
        return self.role is not None and self.role.casefold() in AUTHORITATIVE_ROLES


@dataclass(frozen=True)
class HistoryEntry:
    """An earlier consultation named in the Historie: when, where, under which reference."""

    date: date
    organization: str
    reference: str | None = None


@dataclass
class Vorlage:
    """The fields of one Vorlage; None (or an empty list) means the document does not say."""

    reference: str | None = None
    date: date | None = None
    paper_type: str | None = None
    originator: str | None = None
    title: str | None = None
    consultations: list[Consultation] = field(default_factory=list)
    agenda_item: str | None = None
    proposal_points: list[str] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)
    summary: str | None = None
    # None: no Anlagen line at all; []: "Anlagen: Keine".
    attachments: list[str] | None = None

    @property
    def proposal(self) -> str | None:
        """The Beschlussvorschlag as in the import file: "1. …\\n2. …"."""
        if not self.proposal_points:
            return None
        return "\n".join(f"{n}. {point}" for n, point in enumerate(self.proposal_points, 1))

    def to_plain(self) -> dict[str, Any]:
        """JSON-ready values (dates as ISO strings), for a draft row or a test."""
        plain: dict[str, Any] = _plain(asdict(self))
        return plain

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> Vorlage:
        def day(value: Any) -> date | None:
            return date.fromisoformat(value) if value else None

        return cls(
            reference=data.get("reference"),
            date=day(data.get("date")),
            paper_type=data.get("paper_type"),
            originator=data.get("originator"),
            title=data.get("title"),
            consultations=[
                Consultation(
                    organization=c["organization"],
                    date=day(c.get("date")),
                    public=c.get("public"),
                    role=c.get("role"),
                )
                for c in data.get("consultations") or []
            ],
            agenda_item=data.get("agenda_item"),
            proposal_points=list(data.get("proposal_points") or []),
            history=[
                HistoryEntry(
                    date=date.fromisoformat(h["date"]),
                    organization=h["organization"],
                    reference=h.get("reference"),
                )
                for h in data.get("history") or []
            ],
            summary=data.get("summary"),
            attachments=(None if data.get("attachments") is None else list(data["attachments"])),
        )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
