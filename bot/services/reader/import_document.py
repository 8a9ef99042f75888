"""What was read, as an import document (DESIGN §5): `papers:` with the Vorlage and
`organizations:` for every name the database does not know yet.

Names are matched to known organizations with the matcher shared with the OParl sync
(bot.services.organization_names); a new one gets a generated key from the same key maker.
A consultation is linked to the meeting of its committee on its date when there is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.organization_names import match_organization, organization_key
from bot.services.reader.model import Vorlage
from storage.models import Meeting, Organization
from storage.queries.organizations import all_organizations, meeting_between

# Fields of a paper the import needs; one the document does not state is reported as missing.
REQUIRED = ("reference", "title", "paper_type")


def originator_kind(name: str) -> str:
    """A faction writes an Antrag on its letterhead; everything else comes from a department."""
    return "faction" if "fraktion" in name.casefold() else "department"


@dataclass
class OrganizationNames:
    """Known organizations and the ones this document adds, by kind."""

    known: list[Organization]
    new: list[dict[str, str]] = field(default_factory=list)

    def key_for(self, name: str, kind: str) -> str:
        candidates = [(o.name, o.key) for o in self.known if o.kind.value == kind]
        candidates += [(o["name"], o["key"]) for o in self.new if o["kind"] == kind]
        found = match_organization(name, candidates)
        if found is not None:
            return found
        taken = {o.key for o in self.known} | {o["key"] for o in self.new}
        key = organization_key(name, taken)
        self.new.append({"key": key, "name": name, "kind": kind})
        return key

    def organization(self, key: str) -> Organization | None:
        return next((o for o in self.known if o.key == key), None)


async def meeting_on(
    session: AsyncSession, organization: Organization, day: date, tz: tzinfo
) -> Meeting | None:
    """The meeting of `organization` on the local `day`, if there is one."""
    if organization.id is None:
        return None  # new, not stored yet: it has no meetings
    start = datetime.combine(day, time(0), tzinfo=tz)
    return await meeting_between(
        session, organization_id=organization.id, start=start, end=start + timedelta(days=1)
    )


@dataclass(frozen=True)
class ImportDocument:
    content: dict[str, Any]
    missing: tuple[str, ...]  # required fields the document does not state


async def import_document(session: AsyncSession, vorlage: Vorlage, *, tz: tzinfo) -> ImportDocument:
    names = OrganizationNames(known=await all_organizations(session))
    paper: dict[str, Any] = {
        "reference": vorlage.reference,
        "name": vorlage.title,
        "paper_type": vorlage.paper_type,
        "date": vorlage.date.isoformat() if vorlage.date else None,
        "originator": (
            names.key_for(vorlage.originator, originator_kind(vorlage.originator))
            if vorlage.originator
            else None
        ),
        "proposal": vorlage.proposal,
        "summary": vorlage.summary,
        "agenda_item": vorlage.agenda_item,
    }
    paper = {key: value for key, value in paper.items() if value is not None}
    if vorlage.history:
        paper["history"] = [
            {
                "date": entry.date.isoformat(),
                "organization": names.key_for(entry.organization, "committee"),
                **({"reference": entry.reference} if entry.reference else {}),
            }
            for entry in vorlage.history
        ]
    if vorlage.attachments is not None:
        paper["attachments"] = list(vorlage.attachments)
    consultations = []
    for step in vorlage.consultations:
        key = names.key_for(step.organization, "committee")
        entry: dict[str, Any] = {"organization": key}
        if step.date is not None:
            entry["date"] = step.date.isoformat()
            known = names.organization(key)
            meeting = await meeting_on(session, known, step.date, tz) if known else None
            if meeting is not None:
                entry["meeting"] = meeting.key
        if step.public is not None:
            entry["public"] = step.public
        if step.role:
            entry["role"] = step.role
        if step.authoritative:
            entry["authoritative"] = True
        consultations.append(entry)
    if consultations:
        paper["consultations"] = consultations
    content: dict[str, Any] = {}
    if names.new:
        content["organizations"] = names.new
    content["papers"] = [paper]
    missing = tuple(name for name in REQUIRED if getattr(vorlage, name) is None)
    return ImportDocument(content=content, missing=missing)
