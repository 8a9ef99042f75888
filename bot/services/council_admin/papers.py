"""Papers administered in the chat: publish a Drucksache and attach its PDF or Word document.

Rights are checked here (administrators only; `actor=None` is the shell); each change gets
an audit entry and a change report in the importer's dataclasses.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.services.council_admin.common import (
    AdminChange,
    clean_line,
    clean_text,
    finish,
    new_report,
)
from bot.services.importer import EntityChange, EntityRef, FieldChange, Notifier
from bot.services.importer.report import PAPER
from bot.services.members import admin_in
from storage.models import File, Organization, OrganizationKind, Paper, Person
from storage.queries.council import paper_by_reference
from storage.queries.council_admin import file_hashes
from storage.queries.members import organization_by_key

MAX_REFERENCE = 50  # Paper.reference
MAX_PAPER_NAME = 1000
MAX_PAPER_TYPE = 100  # Paper.paper_type
MAX_PROPOSAL = 20_000
MAX_FILE_NAME = 255  # File.file_name
# The Bot API lets a bot download files up to 20 MB; larger ones could not be fetched anyway.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_FILE_MEGABYTES = MAX_FILE_BYTES // (1024 * 1024)
_REFERENCE = re.compile(r"[A-Za-z0-9ÄÖÜäöüß][A-Za-z0-9ÄÖÜäöüß/._-]*")
# MIME types that say nothing about the content: then the extension decides.
_GENERIC_MIME = {"", "application/octet-stream", "application/binary"}


@dataclass(frozen=True)
class DocumentKind:
    label: str  # for messages
    extension: str
    mime_type: str
    magic: bytes  # how the content starts


DOCUMENT_KINDS = (
    DocumentKind("PDF", ".pdf", "application/pdf", b"%PDF-"),
    # Word 97-2003: an OLE compound file.
    DocumentKind("Word", ".doc", "application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    # Word 2007 and later: a ZIP container.
    DocumentKind(
        "Word",
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
    ),
)


def clean_reference(text: str) -> str:
    reference = text.strip()
    if len(reference) > MAX_REFERENCE or not _REFERENCE.fullmatch(reference):
        shown = reference if len(reference) <= 40 else reference[:37] + "..."
        raise UserError("council_admin.bad_reference", text=shown)
    return reference


async def check_new_reference(session: AsyncSession, *, reference: str) -> str:
    """A well-formed reference that no paper has yet."""
    reference = clean_reference(reference)
    if await paper_by_reference(session, reference=reference) is not None:
        raise UserError("council_admin.paper_exists", reference=reference)
    return reference


def clean_paper_name(name: str) -> str:
    return clean_line(
        name,
        limit=MAX_PAPER_NAME,
        empty_key="council_admin.paper_name_empty",
        long_key="council_admin.paper_name_too_long",
    )


def clean_proposal(proposal: str | None) -> str | None:
    return clean_text(proposal, limit=MAX_PROPOSAL, long_key="council_admin.proposal_too_long")


async def department(session: AsyncSession, *, key: str) -> Organization:
    found = await organization_by_key(session, key=key)
    if found is None or found.kind != OrganizationKind.DEPARTMENT:
        raise UserError("council_admin.unknown_department", key=key)
    return found


async def publish_paper(
    session: AsyncSession,
    *,
    actor: Person | None,
    reference: str,
    name: str,
    paper_type: str,
    date: date | None,
    originator_key: str | None,
    proposal: str | None,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[Paper]:
    """Publish a new paper; a reference that exists already is refused."""
    actor = await admin_in(session, actor)
    reference = await check_new_reference(session, reference=reference)
    name = clean_paper_name(name)
    paper_type = clean_line(
        paper_type,
        limit=MAX_PAPER_TYPE,
        empty_key="council_admin.paper_type_empty",
        long_key="council_admin.paper_type_too_long",
    )
    originator = await department(session, key=originator_key) if originator_key else None
    paper = Paper(
        reference=reference,
        name=name,
        paper_type=paper_type,
        date=date,
        originator=originator,
        proposal=clean_proposal(proposal),
        consultations=[],
        files=[],
    )
    session.add(paper)
    await session.flush()
    report = new_report()
    report.papers.created.append(EntityRef(PAPER, paper.id, reference, name))
    return await finish(
        session,
        report,
        paper,
        actor=actor,
        action="publish_paper",
        subject=reference,
        data={"paper_id": paper.id, "paper_type": paper_type, "name": name},
        now=now,
        notifier=notifier,
    )


def _kind_by_extension(file_name: str) -> DocumentKind | None:
    lowered = file_name.lower()
    return next((kind for kind in DOCUMENT_KINDS if lowered.endswith(kind.extension)), None)


def clean_file_name(file_name: str | None) -> str:
    """The name without any folder part or control characters, at most 255 characters."""
    base = re.split(r"[/\\]", file_name or "")[-1]
    base = " ".join("".join(ch for ch in base if ch.isprintable()).split()).strip(". ")
    if len(base) > MAX_FILE_NAME:
        stem, dot, extension = base.rpartition(".")
        keep = MAX_FILE_NAME - len(dot + extension)
        base = stem[:keep] + dot + extension if dot and keep > 0 else base[:MAX_FILE_NAME]
    return base


def document_kind(file_name: str, mime_type: str | None, size: int | None) -> DocumentKind:
    """What kind of document this is by name, MIME type and size, before downloading it.

    The extension and the MIME type must agree where both say something; anything that is
    neither PDF nor Word, and anything over 20 MB, is refused.
    """
    shown = file_name or "?"
    mime = (mime_type or "").lower().split(";")[0].strip()
    by_extension = _kind_by_extension(file_name)
    has_extension = "." in file_name.strip(".")
    if has_extension and by_extension is None:
        raise UserError("council_admin.file_type", name=shown)
    by_mime = None
    if mime not in _GENERIC_MIME:
        by_mime = next((kind for kind in DOCUMENT_KINDS if kind.mime_type == mime), None)
        if by_mime is None:
            raise UserError("council_admin.file_type", name=shown)
    if by_extension and by_mime and by_extension != by_mime:
        raise UserError("council_admin.file_mismatch", name=shown, mime=mime)
    kind = by_extension or by_mime
    if kind is None:
        raise UserError("council_admin.file_type", name=shown)
    if size is not None and size > MAX_FILE_BYTES:
        raise UserError("council_admin.file_too_big", name=shown, limit=MAX_FILE_MEGABYTES)
    return kind


async def attach_file(
    session: AsyncSession,
    *,
    actor: Person | None,
    paper_id: int,
    file_name: str | None,
    mime_type: str | None,
    content: bytes,
    now: datetime,
    notifier: Notifier | None = None,
) -> AdminChange[File]:
    """Attach a PDF or Word document (Anlage) to a paper, stored with its size and SHA-256."""
    actor = await admin_in(session, actor)
    paper = await session.get(Paper, paper_id)
    if paper is None:
        raise UserError("council_admin.paper_not_found")
    name = clean_file_name(file_name)
    kind = document_kind(name, mime_type, len(content))
    if not name or "." not in name:
        name = f"{name or paper.reference.replace('/', '-')}{kind.extension}"
    if not content:
        raise UserError("council_admin.file_empty", name=name)
    if not content.startswith(kind.magic):
        raise UserError("council_admin.file_broken", name=name, kind=kind.label)
    digest = hashlib.sha256(content).hexdigest()
    if digest in await file_hashes(session, paper_id=paper.id):
        raise UserError("council_admin.file_duplicate", name=name, reference=paper.reference)
    stored = File(
        paper_id=paper.id,
        file_name=name,
        mime_type=kind.mime_type,
        size=len(content),
        sha256=digest,
        content=content,
        created_at=now,
    )
    session.add(stored)
    await session.flush()
    report = new_report()
    report.papers.changed.append(
        EntityChange(
            PAPER, paper.id, paper.reference, paper.name, (FieldChange("file", None, name),)
        )
    )
    return await finish(
        session,
        report,
        stored,
        actor=actor,
        action="attach_file",
        subject=paper.reference,
        data={
            "paper_id": paper.id,
            "file_id": stored.id,
            "file": name,
            "size": len(content),
            "sha256": digest,
        },
        now=now,
        notifier=notifier,
    )
