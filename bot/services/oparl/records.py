"""OParl Papers and Meetings read into records: each field the apply steps use, read once from
the page's JSON by the rules of values.py, before the step that applies it.

Reading is pure work on the page, about half of the apply's own. The sync does it in a stage of
its own between the page reader and the apply (`lists.ReadAhead`), which runs while the apply
waits for the database: on PostgreSQL that is another process, so the two overlap instead of
adding up. What needs the database or the synced organizations (keys, ids, the Vorlage of an
agenda item) is left to the steps.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple

from bot.services.oparl import mapping
from bot.services.oparl.mapping import AgendaEntry
from bot.services.oparl.values import as_list, day, flag, is_tombstone, reference, text, when

JsonDict = dict[str, Any]


def file_values(entry: JsonDict) -> dict[str, Any]:
    """A synced document's columns, as the File object gives them (a reference: the content is
    fetched when a member taps it)."""
    size = entry.get("size")
    return {
        "file_name": text(entry.get("fileName"), 255)
        or text(entry.get("name"), 255)
        or "Anlage.pdf",
        "mime_type": text(entry.get("mimeType"), 100) or "application/pdf",
        "size": size if isinstance(size, int) else 0,
        "oparl_id": reference(entry) or "",
        "access_url": text(entry.get("accessUrl"), 1000) or text(entry.get("downloadUrl"), 1000),
    }


class ConsultationRecord(NamedTuple):
    """One step of a Vorlage's Beratungsfolge (an OParl Consultation)."""

    oparl_id: str | None
    organizations: list[str]  # OParl ids
    meeting: str | None  # the meeting's OParl id
    role: str | None
    authoritative: bool


class PaperRecord(NamedTuple):
    oparl_id: str | None
    deleted: bool
    reference: str  # its own, else one made from its OParl id
    name: str | None
    paper_type: str | None
    date: date | None
    web: str | None
    originators: list[str]  # OParl ids: underDirectionOf, else originatorOrganization
    consultations: list[ConsultationRecord]
    files: list[dict[str, Any]]  # `file_values` of mainFile, then auxiliaryFile


class MeetingRecord(NamedTuple):
    oparl_id: str | None
    deleted: bool
    organizations: list[str]  # OParl ids
    start: datetime | None  # aware, UTC
    end: datetime | None
    name: str | None
    location: str | None
    cancelled: bool
    web: str | None
    agenda: list[AgendaEntry]  # without their Vorlagen (the step knows those)
    files: list[tuple[str, dict[str, Any]]]  # (role, `file_values`)


def paper(item: JsonDict) -> PaperRecord:
    oparl_id = reference(item)
    originators = as_list(item.get("underDirectionOf")) or as_list(
        item.get("originatorOrganization")
    )
    return PaperRecord(
        oparl_id=oparl_id,
        deleted=is_tombstone(item),
        reference=_given_reference(item, oparl_id or ""),
        name=text(item.get("name")),
        paper_type=text(item.get("paperType"), 100),
        date=day(item.get("date")),
        web=text(item.get("web"), 1000),
        originators=[ref for value in originators if (ref := reference(value))],
        consultations=[
            ConsultationRecord(
                oparl_id=reference(consultation),
                organizations=[
                    reference(ref) or "" for ref in as_list(consultation.get("organization"))
                ],
                meeting=reference(consultation.get("meeting")),
                role=text(consultation.get("role"), 100),
                authoritative=flag(consultation.get("authoritative"), False),
            )
            for consultation in as_list(item.get("consultation"))
            if isinstance(consultation, dict) and not is_tombstone(consultation)
        ],
        files=[file_values(entry) for entry in mapping.paper_files(item)],
    )


def _given_reference(item: JsonDict, oparl_id: str) -> str:
    """The reference a paper gets when it is new: its own, else one from its OParl id."""
    fallback = "OParl-" + oparl_id.rstrip("/").rsplit("/")[-1]
    return (text(item.get("reference"), 50) or fallback)[:50]


def meeting(item: JsonDict, tz: tzinfo) -> MeetingRecord:
    """A meeting; date-times without offset are local time in `tz`."""
    return MeetingRecord(
        oparl_id=reference(item),
        deleted=is_tombstone(item),
        organizations=[reference(ref) or "" for ref in as_list(item.get("organization"))],
        start=when(item.get("start"), tz),
        end=when(item.get("end"), tz),
        name=text(item.get("name"), 255),
        location=mapping.location(item.get("location")),
        cancelled=flag(item.get("cancelled"), False),
        web=text(item.get("web"), 1000),
        agenda=mapping.agenda(item.get("agendaItem")),
        files=[(role, file_values(entry)) for role, entry in mapping.meeting_files(item)],
    )
