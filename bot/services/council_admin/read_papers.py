"""Publishing a Vorlage the bot read from a document: the paper, its Beratungsfolge, history,
Anlagen and the document itself, in one change with one audit entry and one round of notices.

A reference that exists already updates that paper: every changed field is recorded (the notice
lists them) and the document is added as a new version. Organizations are matched by name with
the shared matcher; a name nobody knows becomes a new organization with a generated key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.council_admin.common import (
    AdminChange,
    clean_line,
    finish,
    new_report,
)
from bot.services.council_admin.papers import (
    MAX_PAPER_TYPE,
    clean_file_name,
    clean_paper_name,
    clean_proposal,
    clean_reference,
)
from bot.services.importer import EntityChange, EntityRef, FieldChange, Notifier
from bot.services.importer.diff import list_as_text
from bot.services.importer.report import PAPER, ConsultationInfo
from bot.services.members import require_admin
from bot.services.reader import Format, Vorlage
from bot.services.reader.import_document import OrganizationNames, meeting_on, originator_kind
from storage.models import Consultation, File, Organization, OrganizationKind, Paper, Person
from storage.queries.council import paper_by_reference
from storage.queries.council_admin import file_hashes
from storage.queries.organizations import all_organizations

MIME_TYPES = {
    Format.PDF: "application/pdf",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Format.ODT: "application/vnd.oasis.opendocument.text",
    Format.TEXT: "text/plain",
}
EXTENSIONS = {Format.PDF: ".pdf", Format.DOCX: ".docx", Format.ODT: ".odt", Format.TEXT: ".txt"}
REQUIRED = {"reference": "reference", "title": "title", "paper_type": "paper_type"}


@dataclass(frozen=True)
class ReadDocument:
    """The document as sent: its bytes, its name and the format read from its content."""

    content: bytes
    file_name: str | None
    kind: Format


def missing_fields(vorlage: Vorlage) -> list[str]:
    """The fields a paper cannot be published without."""
    return [name for name in REQUIRED if not getattr(vorlage, name)]


async def publish_read_paper(
    session: AsyncSession,
    *,
    actor: Person | None,
    vorlage: Vorlage,
    document: ReadDocument,
    tz: tzinfo,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[Paper]:
    """Publish (or, for a known reference, update) the paper with the document attached."""
    require_admin(actor)
    missing = missing_fields(vorlage)
    if missing:
        raise UserError("paper_reading.missing_required")
    assert vorlage.reference and vorlage.title and vorlage.paper_type
    reference = clean_reference(vorlage.reference)
    names = OrganizationNames(known=await all_organizations(session))
    values: dict[str, Any] = {
        "name": clean_paper_name(vorlage.title),
        "paper_type": clean_line(
            vorlage.paper_type,
            limit=MAX_PAPER_TYPE,
            empty_key="council_admin.paper_type_empty",
            long_key="council_admin.paper_type_too_long",
        ),
        "date": vorlage.date,
        "proposal": clean_proposal(vorlage.proposal),
        "summary": vorlage.summary,
        "agenda_item": (vorlage.agenda_item or "")[:20] or None,
        "attachments": vorlage.attachments,
    }
    originator_key = (
        names.key_for(vorlage.originator, originator_kind(vorlage.originator))
        if vorlage.originator
        else None
    )
    history_keys = [names.key_for(entry.organization, "committee") for entry in vorlage.history]
    step_keys = [names.key_for(step.organization, "committee") for step in vorlage.consultations]
    organizations = await _with_new_organizations(session, names)
    history = [
        {
            "date": entry.date.isoformat(),
            "organization": key,
            "name": organizations[key].name,
            "reference": entry.reference,
        }
        for entry, key in zip(vorlage.history, history_keys, strict=True)
    ] or None
    steps = await _consultations(session, vorlage, step_keys, organizations, tz)
    originator = organizations[originator_key] if originator_key else None

    paper = await paper_by_reference(session, reference=reference)
    report = new_report()
    if paper is None:
        paper = Paper(
            reference=reference,
            originator=originator,
            history=history,
            consultations=steps,
            files=[],
            **values,
        )
        session.add(paper)
        await session.flush()
        file = await _store_file(session, paper, document, now)
        report.papers.created.append(EntityRef(PAPER, paper.id, reference, paper.name))
        action, detail = "publish_paper", f"published paper {reference} from {file.file_name}"
    else:
        changes: list[FieldChange] = []
        for attribute, value in values.items():
            old = getattr(paper, attribute)
            if old != value:
                setattr(paper, attribute, value)
                changes.append(FieldChange(attribute, _shown(old), _shown(value)))
        if (paper.originator.id if paper.originator else None) != (
            originator.id if originator else None
        ):
            old_key = paper.originator.key if paper.originator else None
            paper.originator = originator
            changes.append(FieldChange("originator", old_key, originator_key))
        if paper.history != history:
            changes.append(FieldChange("history", _shown(paper.history), _shown(history)))
            paper.history = history
        old_steps = tuple(_info(step) for step in paper.consultations)
        new_steps = tuple(_info(step) for step in steps)
        if old_steps != new_steps:
            paper.consultations = steps
            changes.append(FieldChange("consultations", old_steps, new_steps))
        paper.updated_at = now
        await session.flush()
        file = await _store_file(session, paper, document, now)
        changes.append(FieldChange("file", None, file.file_name))
        report.papers.changed.append(
            EntityChange(PAPER, paper.id, reference, paper.name, tuple(changes))
        )
        action, detail = "update_paper", f"updated paper {reference} from {file.file_name}"
    return await finish(
        session,
        report,
        paper,
        actor=actor,
        action=action,
        detail=detail,
        data={"paper_id": paper.id, "file_id": file.id},
        now=now,
        notifier=notifier,
    )


async def _with_new_organizations(
    session: AsyncSession, names: OrganizationNames
) -> dict[str, Organization]:
    by_key = {organization.key: organization for organization in names.known}
    for entry in names.new:
        organization = Organization(
            key=entry["key"], name=entry["name"], kind=OrganizationKind(entry["kind"])
        )
        session.add(organization)
        by_key[organization.key] = organization
    await session.flush()
    return by_key


async def _consultations(
    session: AsyncSession,
    vorlage: Vorlage,
    keys: list[str],
    organizations: dict[str, Organization],
    tz: tzinfo,
) -> list[Consultation]:
    steps = []
    for position, (step, key) in enumerate(zip(vorlage.consultations, keys, strict=True)):
        organization = organizations[key]
        meeting = await meeting_on(session, organization, step.date, tz) if step.date else None
        steps.append(
            Consultation(
                position=position,
                organization=organization,
                meeting_id=meeting.id if meeting is not None else None,
                date=step.date,
                public=True if step.public is None else step.public,
                role=step.role,
                authoritative=step.authoritative,
            )
        )
    return steps


async def _store_file(
    session: AsyncSession, paper: Paper, document: ReadDocument, now: datetime
) -> File:
    if not document.content:
        raise UserError("reader.empty")
    name = clean_file_name(document.file_name)
    extension = EXTENSIONS[document.kind]
    if not name:
        name = paper.reference.replace("/", "-") + extension
    digest = hashlib.sha256(document.content).hexdigest()
    if digest in await file_hashes(session, paper_id=paper.id):
        raise UserError("council_admin.file_duplicate", name=name, reference=paper.reference)
    file = File(
        paper_id=paper.id,
        file_name=name,
        mime_type=MIME_TYPES[document.kind],
        size=len(document.content),
        sha256=digest,
        content=document.content,
        created_at=now,
    )
    paper.files.append(file)  # the notice renders this paper with its files
    await session.flush()
    return file


def _info(step: Consultation) -> ConsultationInfo:
    return ConsultationInfo(
        step.organization.key, step.date, None, step.public, step.role, step.authoritative
    )


def _shown(value: Any) -> str | date | None:
    if value is None or isinstance(value, str | date):
        return value
    return list_as_text(value) if isinstance(value, list) else str(value)
