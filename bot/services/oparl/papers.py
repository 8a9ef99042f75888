"""Applying a page of OParl Papers: Vorlagen with their Beratungsfolge and documents (by
reference); a deleted Vorlage disappears without a notice."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from bot.services.importer.apply import Upsert
from bot.services.importer.report import PAPER, EntityRef
from bot.services.importer.schema import ConsultationIn, PaperIn
from bot.services.oparl.lists import turns
from bot.services.oparl.records import PaperRecord
from bot.services.oparl.state import SyncState, set_if_changed, set_oparl_ids
from storage.models import File
from storage.queries.council_keys import meetings_by_keys, papers_by_references
from storage.queries.oparl import (
    MeetingIdentity,
    delete_papers_by_oparl_ids,
    files_of_papers,
    meeting_keys_by_oparl_ids,
    paper_identities,
)


class Step(NamedTuple):
    """One step of a Vorlage's Beratungsfolge as the page gives it (an OParl Consultation)."""

    organization: str  # the organization's key
    meeting: MeetingIdentity | None  # the meeting, when it is synced already
    day: date | None  # the meeting's day
    role: str | None
    authoritative: bool
    oparl_id: str | None

    def as_item(self) -> ConsultationIn:
        return ConsultationIn.model_construct(
            organization=self.organization,
            date=self.day,
            meeting=self.meeting.key if self.meeting else None,
            public=True,
            role=self.role,
            authoritative=self.authoritative,
        )


@dataclass
class NewPaperRows:
    """The rows of a batch's new Vorlagen, for `insert_rows`."""

    papers: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)


class Chosen(NamedTuple):
    """A paper of the page that is applied: its record, ids and Beratungsfolge."""

    record: PaperRecord
    oparl_id: str
    reference: str
    steps: list[Step]


class PaperSteps(SyncState):
    async def papers(self, page: list[PaperRecord]) -> None:
        gone = [record.oparl_id for record in page if record.deleted and record.oparl_id]
        for paper_reference in await delete_papers_by_oparl_ids(self.session, oparl_ids=gone):
            self.deleted.append(f"paper {paper_reference}")  # disappears without a notice
        live = [
            (record, oparl_id)
            for record in page
            if not record.deleted and (oparl_id := record.oparl_id)
        ]
        given = {oparl_id: record.reference for record, oparl_id in live}
        found = await paper_identities(
            self.session, oparl_ids=list(given), references=given.values()
        )
        # The previous batch's new papers are not written yet (`writes`): their references.
        found += [
            (owner, ref)
            for ref in set(given.values())
            if (owner := self.unwritten_references.get(ref))
        ]
        known = {oparl_id: ref for oparl_id, ref in found if oparl_id in given}
        owners = {ref: oparl_id for oparl_id, ref in found}
        meeting_refs = {
            step.meeting for record, _ in live for step in record.consultations if step.meeting
        }
        meetings = await meeting_keys_by_oparl_ids(self.session, oparl_ids=meeting_refs)
        upsert = self._upsert()
        # Those of the page's papers that are there already (some may not be followed).
        upsert.papers = await papers_by_references(
            self.session,
            references={
                ref
                for oparl_id in given
                if (ref := known.get(oparl_id) or given[oparl_id]) in owners
            },
        )
        self.writes.start()  # the previous batch's rows, while this one is built
        chosen: list[Chosen] = []
        async for record, oparl_id in turns(live):
            steps, organizations = self._consultations(record, meetings)
            followed = self._followed_of(organizations)
            if oparl_id not in known and not followed:
                continue  # no step in a followed organization
            paper_reference = known.get(oparl_id) or given[oparl_id]
            chosen.append(Chosen(record, oparl_id, paper_reference, steps))
            self._quiet("paper", paper_reference, followed)
        applied: list[Chosen] = []
        fresh: list[Chosen] = []
        references = [c.reference for c in chosen]
        bulk = len(set(references)) == len(references)  # else row by row, as an import does
        for row in chosen:
            if owners.get(row.reference) not in (None, row.oparl_id):
                self.skipped.append(row.oparl_id)  # another RIS object has this reference
            elif row.reference not in upsert.papers and bulk:
                fresh.append(row)
            else:  # a change, an adoption, or a reference twice on the page
                applied.append(row)
        rows = await self._new_paper_rows(fresh)
        await self.writes.done()
        if applied:
            await self._apply_papers(upsert, applied)
        await self._queue_new_papers(fresh, rows)

    async def _apply_papers(self, upsert: Upsert, applied: list[Chosen]) -> None:
        """Papers there already (changed or adopted), and those whose reference is twice on the
        page, go through the importer, with the meetings of their steps."""
        upsert.meetings = await meetings_by_keys(
            self.session, keys={s.meeting.key for row in applied for s in row.steps if s.meeting}
        )
        for row in applied:
            record, existing = row.record, upsert.papers.get(row.reference)
            upsert.upsert_paper(
                PaperIn.model_construct(
                    reference=row.reference,
                    name=record.name or row.reference,
                    paper_type=record.paper_type or "Vorlage",
                    date=record.date,
                    originator=self._originator(
                        record,
                        existing.originator.key if existing and existing.originator else None,
                    ),
                    proposal=existing.proposal if existing else None,
                    summary=existing.summary if existing else None,
                    consultations=[step.as_item() for step in row.steps],
                )
            )
        for row in applied:
            # Set before the flush, so a new row is written once, with them.
            paper = upsert.papers[row.reference]
            set_if_changed(paper, "oparl_id", row.oparl_id)
            set_if_changed(paper, "web", row.record.web)
        await self.session.flush()
        await upsert.replace_consultations(
            [
                PaperIn.model_construct(
                    reference=row.reference,
                    name=row.reference,
                    paper_type="",
                    consultations=[step.as_item() for step in row.steps],
                )
                for row in applied
            ]
        )
        # New consultations of a new paper take their OParl ids now; those of a changed paper
        # after the flush that deletes the old rows (which may hold the same ids).
        later = [row for row in applied if row.reference not in upsert.created_papers]
        for row in applied:
            if row.reference in upsert.created_papers:
                self._consultation_ids(upsert, row)
        await self._finish(upsert)
        for row in later:
            self._consultation_ids(upsert, row)
        await self.session.flush()
        await self._files([(upsert.papers[row.reference], row.record) for row in applied])

    def _originator(self, record: PaperRecord, default: str | None) -> str | None:
        """The key of the organization the paper comes from (`underDirectionOf`, else
        `originatorOrganization`), when it is synced."""
        for ref in record.originators:
            organization = self.by_oparl.get(ref)
            if organization is not None:
                return organization.key
        return default

    @staticmethod
    def _consultation_ids(upsert: Upsert, row: Chosen) -> None:
        set_oparl_ids(upsert.papers[row.reference].consultations, [s.oparl_id for s in row.steps])

    async def _new_paper_rows(self, fresh: list[Chosen]) -> NewPaperRows:
        """The rows of new Vorlagen, their Beratungsfolge and documents; each names its paper by
        its place in `fresh` until `_queue_new_papers` gives the ids."""
        rows = NewPaperRows()
        organization_ids = {key: organization.id for key, organization in self.by_key.items()}
        async for place, row in turns(enumerate(fresh)):
            record = row.record
            originator = self._originator(record, None)
            rows.papers.append(
                {
                    "id": place,
                    "reference": row.reference,
                    "name": record.name or row.reference,
                    "paper_type": record.paper_type or "Vorlage",
                    "date": record.date,
                    "originator_id": organization_ids[originator] if originator else None,
                    "proposal": None,
                    "summary": None,
                    "agenda_item": None,
                    "history": None,
                    "attachments": None,
                    "oparl_id": row.oparl_id,
                    "web": record.web,
                }
            )
            rows.consultations += [
                {
                    "paper_id": place,
                    "position": position,
                    "organization_id": organization_ids[step.organization],
                    "meeting_id": step.meeting.id if step.meeting else None,
                    "date": step.day,
                    "public": True,
                    "role": step.role,
                    "authoritative": step.authoritative,
                    "oparl_id": step.oparl_id,
                }
                for position, step in enumerate(row.steps)
            ]
            rows.files += [{"paper_id": place, **self._new_file(values)} for values in record.files]
        return rows

    async def _queue_new_papers(self, fresh: list[Chosen], rows: NewPaperRows) -> None:
        """New Vorlagen in bulk: ids reserved, and one INSERT queued each for the batch's papers,
        their Beratungsfolge and their documents, written while the next batch is built (`writes`);
        reported as created, as the upsert would. Plain rows, no importer items: at 10,000
        papers the items alone cost a second."""
        self.unwritten_references = {row.reference: row.oparl_id for row in fresh}
        if not fresh:
            return
        await self._give_ids(
            "papers", rows.papers, rows.consultations, rows.files, column="paper_id"
        )
        self._write_later("papers", rows.papers)
        self._write_later("consultations", rows.consultations)
        self._write_later("files", rows.files)
        self.report.papers.created += [
            EntityRef(PAPER, paper["id"], row.reference, paper["name"])
            for row, paper in zip(fresh, rows.papers, strict=True)
        ]

    def _consultations(
        self, record: PaperRecord, meetings: dict[str, MeetingIdentity]
    ) -> tuple[list[Step], list[str]]:
        """The paper's steps in synced organizations, and the OParl ids of those organizations."""
        steps: list[Step] = []
        organizations: list[str] = []
        for consultation in record.consultations:
            known = [ref for ref in consultation.organizations if ref in self.by_oparl]
            if not known:
                continue
            organizations += known
            meeting = meetings.get(consultation.meeting or "")
            steps.append(
                Step(
                    organization=self.by_oparl[known[0]].key,
                    meeting=meeting,
                    day=meeting.start.astimezone(self.tz).date() if meeting else None,
                    role=consultation.role,
                    authoritative=consultation.authoritative,
                    oparl_id=consultation.oparl_id,
                )
            )
        return steps, organizations

    async def _files(self, papers: list[tuple[Any, PaperRecord]]) -> None:
        """A Vorlage's documents by reference: fetched when a member taps one, not now."""
        existing = await files_of_papers(self.session, paper_ids=[p.id for p, _ in papers])
        for paper, record in papers:
            have = existing.get(paper.id, {})
            for values in record.files:
                row = have.pop(values["oparl_id"], None)
                if row is None:
                    self.session.add(File(paper_id=paper.id, **self._new_file(values)))
                elif (row.file_name, row.access_url) != (values["file_name"], values["access_url"]):
                    row.file_name, row.access_url = values["file_name"], values["access_url"]
            for row in have.values():
                await self.session.delete(row)
        await self.session.flush()
