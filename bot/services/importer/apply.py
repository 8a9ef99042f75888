"""Writes a validated import file: an upsert by key that touches only what differs.

A field is assigned only when its value differs, so an unchanged row is never written and
keeps its `updated_at`; each difference is recorded in the report with old and new value.
Agenda items are matched by their number and consultations compared as a whole list, so
an unchanged agenda or Beratungsfolge is left alone too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.importer.agenda import new_agenda_item, sync_agenda
from bot.services.importer.diff import assign, assign_organization, list_as_text
from bot.services.importer.members import apply_members
from bot.services.importer.report import (
    BODY,
    MEETING,
    ORGANIZATION,
    PAPER,
    ConsultationInfo,
    EntityChange,
    EntityRef,
    FieldChange,
    ImportReport,
)
from bot.services.importer.schema import AgendaItemIn, ConsultationIn, MeetingIn, PaperIn
from bot.services.importer.validate import ImportData
from storage.models import (
    Body,
    Consultation,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
    Paper,
)
from storage.queries.council_keys import (
    body_by_key,
    meeting_keys_by_ids,
    meetings_by_keys,
    organizations_by_keys,
    papers_by_references,
)

# A change of these raises the meeting's iCalendar SEQUENCE, so calendars take the update.
SEQUENCE_FIELDS = {"start", "end", "location", "cancelled"}


@dataclass
class Upsert:
    """One import's writes, in dependency order, filling `report` as it goes."""

    session: AsyncSession
    report: ImportReport
    tz: tzinfo
    now: datetime
    organizations: dict[str, Organization] = field(default_factory=dict)
    papers: dict[str, Paper] = field(default_factory=dict)
    meetings: dict[str, Meeting] = field(default_factory=dict)
    body: Body | None = None
    # Created rows get their ids at the flush; the report entries are written after it.
    created: list[tuple[list[EntityRef], str, Any, str, str]] = field(default_factory=list)
    created_papers: set[str] = field(default_factory=set)

    async def run(self, data: ImportData, *, group_key: str) -> None:
        organization_keys, references, meeting_keys = data.referenced()
        self.organizations = await organizations_by_keys(
            self.session, keys=organization_keys | {group_key}
        )
        self.papers = await papers_by_references(self.session, references=references)
        self.meetings = await meetings_by_keys(self.session, keys=meeting_keys)
        if data.body is not None:
            await self.upsert_body(data.body.key, data.body.name)
        for item in data.organizations:
            self.upsert_organization(item.key, item.name, OrganizationKind(item.kind))
        await self.session.flush()
        await apply_members(
            self.session,
            data.members,
            self.report.members,
            organizations=self.organizations,
            group_key=group_key,
            today=self.now.astimezone(self.tz).date(),
        )
        for paper in data.papers:
            self.upsert_paper(paper)
        await self.session.flush()
        for meeting in data.meetings:
            self.upsert_meeting(meeting)
        await self.session.flush()
        await self.replace_consultations(data.papers)
        await self.session.flush()
        for target, kind, row, key, name in self.created:
            target.append(EntityRef(kind, row.id, key, name))

    async def upsert_body(self, key: str, name: str) -> None:
        self.body = await body_by_key(self.session, key=key)
        if self.body is None:
            self.body = Body(key=key, name=name)
            self.session.add(self.body)
            await self.session.flush()
            self.report.bodies.created.append(EntityRef(BODY, self.body.id, key, name))
            return
        changes: list[FieldChange] = []
        assign(self.body, "name", name, changes)
        if changes:
            self.report.bodies.changed.append(
                EntityChange(BODY, self.body.id, key, name, tuple(changes))
            )

    def upsert_organization(self, key: str, name: str, kind: OrganizationKind) -> None:
        body_id = self.body.id if self.body else None
        organization = self.organizations.get(key)
        if organization is None:
            organization = Organization(key=key, name=name, kind=kind, body_id=body_id)
            self.session.add(organization)
            self.organizations[key] = organization
            self.created.append(
                (self.report.organizations.created, ORGANIZATION, organization, key, name)
            )
            return
        changes: list[FieldChange] = []
        assign(organization, "name", name, changes)
        assign(organization, "kind", kind, changes)
        if self.body is not None:
            assign(organization, "body_id", body_id, changes)
        if changes:
            self.report.organizations.changed.append(
                EntityChange(ORGANIZATION, organization.id, key, name, tuple(changes))
            )

    def upsert_paper(self, item: PaperIn) -> None:
        originator = self.organizations[item.originator] if item.originator else None
        values = {
            "name": item.name,
            "paper_type": item.paper_type,
            "date": item.date,
            "proposal": item.proposal,
            "summary": item.summary,
            "agenda_item": item.agenda_item,
        }
        attachments = list(item.attachments) if item.attachments is not None else None
        history = [
            {
                "date": entry.date.isoformat(),
                "organization": entry.organization,
                "name": self.organizations[entry.organization].name,
                "reference": entry.reference,
            }
            for entry in item.history
        ] or None
        paper = self.papers.get(item.reference)
        if paper is None:
            paper = Paper(
                reference=item.reference,
                originator=originator,
                consultations=[],
                history=history,
                attachments=attachments,
                **values,
            )
            self.session.add(paper)
            self.papers[item.reference] = paper
            self.created_papers.add(item.reference)
            self.created.append(
                (self.report.papers.created, PAPER, paper, item.reference, item.name)
            )
            return
        changes: list[FieldChange] = []
        for attribute, value in values.items():
            assign(paper, attribute, value, changes)
        _assign_list(paper, "attachments", attachments, changes)
        _assign_list(paper, "history", history, changes)
        assign_organization(paper, "originator", originator, changes)
        if changes:
            self.report.papers.changed.append(
                EntityChange(PAPER, paper.id, item.reference, item.name, tuple(changes))
            )

    def upsert_meeting(self, item: MeetingIn) -> None:
        organization = self.organizations[item.organization]
        values = {
            "kind": MeetingKind(item.kind),
            "name": item.name,
            "start": item.start,
            "end": item.end,
            "location": item.location,
            "public": item.is_public,
            "cancelled": item.cancelled,
            "rsvp": item.rsvp,
        }
        meeting = self.meetings.get(item.key)
        if meeting is None:
            agenda = [new_agenda_item(i, entry, self.papers) for i, entry in enumerate(item.agenda)]
            meeting = Meeting(
                key=item.key, organization=organization, agenda_items=agenda, **values
            )
            self.session.add(meeting)
            self.meetings[item.key] = meeting
            self.created.append(
                (self.report.meetings.created, MEETING, meeting, item.key, item.name)
            )
            return
        changes: list[FieldChange] = []
        assign_organization(meeting, "organization", organization, changes)
        for attribute, value in values.items():
            assign(meeting, attribute, value, changes)
        if changes:
            if SEQUENCE_FIELDS.intersection(change.field for change in changes):
                meeting.sequence += 1
            change = EntityChange(MEETING, meeting.id, item.key, item.name, tuple(changes))
            if item.cancelled and "cancelled" in change.fields:
                self.report.meetings.cancelled.append(change)
            else:
                self.report.meetings.changed.append(change)
        self.sync_agenda(meeting, item.agenda)

    def sync_agenda(self, meeting: Meeting, entries: list[AgendaItemIn]) -> None:
        change = sync_agenda(meeting, entries, self.papers)
        if change is not None:
            meeting.updated_at = self.now  # the calendar shows the agenda: its entry changed
            self.report.agendas.append(change)

    async def replace_consultations(self, papers: list[PaperIn]) -> None:
        """Replace a paper's Beratungsfolge only when it differs from the file's."""
        old_meeting_ids = {
            consultation.meeting_id
            for item in papers
            for consultation in self.papers[item.reference].consultations
            if consultation.meeting_id is not None
        }
        meeting_keys = await meeting_keys_by_ids(self.session, ids=old_meeting_ids)
        meeting_keys.update({meeting.id: key for key, meeting in self.meetings.items()})
        for item in papers:
            paper = self.papers[item.reference]
            old = tuple(_consultation_info(c, meeting_keys) for c in paper.consultations)
            new = tuple(self.consultation_info(entry) for entry in item.consultations)
            if old == new:
                continue
            paper.consultations = [
                Consultation(
                    position=position,
                    organization=self.organizations[info.organization],
                    meeting_id=self.meetings[info.meeting].id if info.meeting else None,
                    date=info.date,
                    public=info.public,
                    role=info.role,
                    authoritative=info.authoritative,
                )
                for position, info in enumerate(new)
            ]
            if item.reference in self.created_papers:
                continue
            paper.updated_at = self.now
            self._record_paper_change(paper, FieldChange("consultations", old, new))

    def consultation_info(self, entry: ConsultationIn) -> ConsultationInfo:
        """As stored: without a date of its own, a consultation takes its meeting's day."""
        day: date | None = entry.date
        if day is None and entry.meeting:
            day = self.meetings[entry.meeting].start.astimezone(self.tz).date()
        return ConsultationInfo(
            entry.organization, day, entry.meeting, entry.public, entry.role, entry.authoritative
        )

    def _record_paper_change(self, paper: Paper, change: FieldChange) -> None:
        changed = self.report.papers.changed
        for index, existing in enumerate(changed):
            if existing.key == paper.reference:
                changed[index] = EntityChange(
                    PAPER, paper.id, paper.reference, paper.name, (*existing.changes, change)
                )
                return
        changed.append(EntityChange(PAPER, paper.id, paper.reference, paper.name, (change,)))


def _assign_list(
    paper: Paper, attribute: str, new: list[Any] | None, changes: list[FieldChange]
) -> None:
    """A JSON list (history, Anlagen): the report shows it as one line of text."""
    old = getattr(paper, attribute)
    if old != new:
        setattr(paper, attribute, new)
        changes.append(
            FieldChange(
                attribute,
                list_as_text(old) if old is not None else None,
                list_as_text(new) if new is not None else None,
            )
        )


def _consultation_info(
    consultation: Consultation, meeting_keys: dict[int, str]
) -> ConsultationInfo:
    return ConsultationInfo(
        consultation.organization.key,
        consultation.date,
        meeting_keys.get(consultation.meeting_id) if consultation.meeting_id else None,
        consultation.public,
        consultation.role,
        consultation.authoritative,
    )
