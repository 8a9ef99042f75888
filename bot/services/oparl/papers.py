"""Applying a page of OParl Papers: Vorlagen with their Beratungsfolge and documents (by
reference); a deleted Vorlage disappears without a notice."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from bot.services.importer.apply import Upsert
from bot.services.importer.report import PAPER, EntityRef
from bot.services.importer.schema import ConsultationIn, PaperIn
from bot.services.oparl import mapping
from bot.services.oparl.lists import turns
from bot.services.oparl.state import SyncState, set_if_changed, set_oparl_ids
from bot.services.oparl.values import as_list, day, flag, is_tombstone, reference, text
from storage.models import File
from storage.queries.council_keys import meetings_by_keys, papers_by_references
from storage.queries.oparl import (
    MeetingIdentity,
    delete_papers_by_oparl_ids,
    files_of_papers,
    meeting_keys_by_oparl_ids,
    paper_identities,
)
from storage.queries.oparl_bulk import insert_rows, reserve_ids

JsonDict = dict[str, Any]


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


class Chosen(NamedTuple):
    """A paper of the page that is applied: its object, ids and Beratungsfolge."""

    item: JsonDict
    oparl_id: str
    reference: str
    steps: list[Step]


class PaperSteps(SyncState):
    async def papers(self, page: list[JsonDict]) -> None:
        gone = [ref for item in page if is_tombstone(item) and (ref := reference(item))]
        for paper_reference in await delete_papers_by_oparl_ids(self.session, oparl_ids=gone):
            self.deleted.append(f"paper {paper_reference}")  # disappears without a notice
        live = [
            (item, oparl_id)
            async for item in turns(page)
            if not is_tombstone(item) and (oparl_id := reference(item))
        ]
        given = {
            oparl_id: self._given_reference(item, oparl_id) async for item, oparl_id in turns(live)
        }
        found = await paper_identities(
            self.session, oparl_ids=list(given), references=given.values()
        )
        known = {oparl_id: ref for oparl_id, ref in found if oparl_id in given}
        owners = {ref: oparl_id for oparl_id, ref in found}
        meeting_refs = {
            ref
            async for item, _ in turns(live)
            for c in as_list(item.get("consultation"))
            if isinstance(c, dict) and (ref := reference(c.get("meeting")))
        }
        meetings = await meeting_keys_by_oparl_ids(self.session, oparl_ids=meeting_refs)
        chosen: list[Chosen] = []
        async for item, oparl_id in turns(live):
            steps, organizations = self._consultations(item, meetings)
            followed = self._followed_of(organizations)
            if oparl_id not in known and not followed:
                continue  # no step in a followed organization
            paper_reference = known.get(oparl_id) or given[oparl_id]
            chosen.append(Chosen(item, oparl_id, paper_reference, steps))
            self._quiet("paper", paper_reference, followed)
        upsert = self._upsert()
        upsert.papers = await papers_by_references(
            self.session, references={c.reference for c in chosen if c.reference in owners}
        )
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
        # Papers there already go through the importer, with the meetings of their steps.
        upsert.meetings = await meetings_by_keys(
            self.session, keys={s.meeting.key for row in applied for s in row.steps if s.meeting}
        )
        for row in applied:
            item, existing = row.item, upsert.papers.get(row.reference)
            upsert.upsert_paper(
                PaperIn.model_construct(
                    reference=row.reference,
                    name=text(item.get("name")) or row.reference,
                    paper_type=text(item.get("paperType"), 100) or "Vorlage",
                    date=day(item.get("date")),
                    originator=self._originator(
                        item, existing.originator.key if existing and existing.originator else None
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
            set_if_changed(paper, "web", text(row.item.get("web"), 1000))
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
        await self._files([(upsert.papers[row.reference], row.item) for row in applied])
        await self._insert_papers(fresh)

    def _originator(self, item: JsonDict, default: str | None) -> str | None:
        """The key of the organization the paper comes from (`underDirectionOf`, else
        `originatorOrganization`), when it is synced."""
        refs = as_list(item.get("underDirectionOf")) or as_list(item.get("originatorOrganization"))
        for ref in refs:
            organization = self.by_oparl.get(reference(ref) or "")
            if organization is not None:
                return organization.key
        return default

    @staticmethod
    def _consultation_ids(upsert: Upsert, row: Chosen) -> None:
        set_oparl_ids(upsert.papers[row.reference].consultations, [s.oparl_id for s in row.steps])

    async def _insert_papers(self, fresh: list[Chosen]) -> None:
        """New Vorlagen in bulk: ids reserved, one INSERT each for the page's papers, their
        Beratungsfolge and their documents; reported as created, as the upsert would. Plain
        rows, no importer items: at 10,000 papers the items alone cost a second."""
        if not fresh:
            return
        ids = await reserve_ids(self.session, table="papers", count=len(fresh))
        papers: list[dict[str, Any]] = []
        consultations: list[dict[str, Any]] = []
        files: list[dict[str, Any]] = []
        created: list[EntityRef] = []
        organization_ids = {key: organization.id for key, organization in self.by_key.items()}
        async for row, paper_id in turns(zip(fresh, ids, strict=True)):
            item = row.item
            originator = self._originator(item, None)
            name = text(item.get("name")) or row.reference
            papers.append(
                {
                    "id": paper_id,
                    "reference": row.reference,
                    "name": name,
                    "paper_type": text(item.get("paperType"), 100) or "Vorlage",
                    "date": day(item.get("date")),
                    "originator_id": organization_ids[originator] if originator else None,
                    "proposal": None,
                    "summary": None,
                    "agenda_item": None,
                    "history": None,
                    "attachments": None,
                    "oparl_id": row.oparl_id,
                    "web": text(item.get("web"), 1000),
                }
            )
            consultations += [
                {
                    "paper_id": paper_id,
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
            files += [
                {"paper_id": paper_id, **self._file_values(entry)}
                for entry in mapping.paper_files(item)
            ]
            created.append(EntityRef(PAPER, paper_id, row.reference, name))
        await insert_rows(self.session, table="papers", rows=papers)
        await insert_rows(self.session, table="consultations", rows=consultations)
        await insert_rows(self.session, table="files", rows=files)
        self.report.papers.created += created

    @staticmethod
    def _given_reference(item: JsonDict, oparl_id: str) -> str:
        """The reference a paper gets when it is new: its own, else one from its OParl id."""
        fallback = "OParl-" + oparl_id.rstrip("/").rsplit("/")[-1]
        return (text(item.get("reference"), 50) or fallback)[:50]

    def _consultations(
        self, item: JsonDict, meetings: dict[str, MeetingIdentity]
    ) -> tuple[list[Step], list[str]]:
        """The paper's steps in synced organizations, and the OParl ids of those organizations."""
        steps: list[Step] = []
        organizations: list[str] = []
        for consultation in as_list(item.get("consultation")):
            if not isinstance(consultation, dict) or is_tombstone(consultation):
                continue
            refs = [reference(r) or "" for r in as_list(consultation.get("organization"))]
            known = [ref for ref in refs if ref in self.by_oparl]
            if not known:
                continue
            organizations += known
            meeting = meetings.get(reference(consultation.get("meeting")) or "")
            steps.append(
                Step(
                    organization=self.by_oparl[known[0]].key,
                    meeting=meeting,
                    day=meeting.start.astimezone(self.tz).date() if meeting else None,
                    role=text(consultation.get("role"), 100),
                    authoritative=flag(consultation.get("authoritative"), False),
                    oparl_id=reference(consultation),
                )
            )
        return steps, organizations

    async def _files(self, papers: list[tuple[Any, JsonDict]]) -> None:
        """A Vorlage's documents by reference: fetched when a member taps one, not now."""
        existing = await files_of_papers(self.session, paper_ids=[p.id for p, _ in papers])
        for paper, item in papers:
            have = existing.get(paper.id, {})
            wanted = mapping.paper_files(item)
            for entry in wanted:
                oparl_id = reference(entry) or ""
                url = text(entry.get("accessUrl"), 1000) or text(entry.get("downloadUrl"), 1000)
                name = (
                    text(entry.get("fileName"), 255) or text(entry.get("name"), 255) or "Anlage.pdf"
                )
                row = have.pop(oparl_id, None)
                if row is None:
                    size = entry.get("size")
                    self.session.add(
                        File(
                            paper_id=paper.id,
                            file_name=name,
                            mime_type=text(entry.get("mimeType"), 100) or "application/pdf",
                            size=size if isinstance(size, int) else 0,
                            sha256="",
                            content=None,
                            created_at=self.now,
                            oparl_id=oparl_id,
                            access_url=url,
                        )
                    )
                elif (row.file_name, row.access_url) != (name, url):
                    row.file_name, row.access_url = name, url
            for row in have.values():
                await self.session.delete(row)
        await self.session.flush()
