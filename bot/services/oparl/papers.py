"""Applying a page of OParl Papers: Vorlagen with their Beratungsfolge and documents (by
reference); a deleted Vorlage disappears without a notice."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.services.importer.apply import Upsert
from bot.services.importer.report import PAPER, EntityRef
from bot.services.importer.schema import ConsultationIn, PaperIn
from bot.services.oparl import mapping
from bot.services.oparl.state import SyncState, set_if_changed, set_oparl_ids
from bot.services.oparl.values import as_list, day, flag, is_tombstone, reference, text
from storage.models import File
from storage.queries.council_keys import meetings_by_keys, papers_by_references
from storage.queries.oparl import (
    delete_papers_by_oparl_ids,
    files_of_papers,
    meeting_keys_by_oparl_ids,
    paper_identities,
)
from storage.queries.oparl_bulk import insert_rows, reserve_ids

JsonDict = dict[str, Any]


class PaperSteps(SyncState):
    async def papers(self, page: list[JsonDict]) -> None:
        gone = [ref for item in page if is_tombstone(item) and (ref := reference(item))]
        for paper_reference in await delete_papers_by_oparl_ids(self.session, oparl_ids=gone):
            self.deleted.append(f"paper {paper_reference}")  # disappears without a notice
        live = [item for item in page if not is_tombstone(item) and reference(item)]
        ids = [reference(item) or "" for item in live]
        given = {
            oparl_id: self._given_reference(item, oparl_id)
            for item, oparl_id in zip(live, ids, strict=True)
        }
        found = await paper_identities(self.session, oparl_ids=ids, references=given.values())
        wanted = set(ids)
        known = {oparl_id: ref for oparl_id, ref in found if oparl_id in wanted}
        owners = {ref: oparl_id for oparl_id, ref in found}
        meeting_refs = {
            ref
            for item in live
            for c in as_list(item.get("consultation"))
            if isinstance(c, dict) and (ref := reference(c.get("meeting")))
        }
        meetings = await meeting_keys_by_oparl_ids(self.session, oparl_ids=meeting_refs)
        chosen: list[tuple[JsonDict, str, list[ConsultationIn], list[str | None]]] = []
        for item, oparl_id in zip(live, ids, strict=True):
            consultations, consultation_ids, organizations = self._consultations(item, meetings)
            if oparl_id not in known and not self._followed_of(organizations):
                continue  # no step in a followed organization
            paper_reference = known.get(oparl_id) or given[oparl_id]
            chosen.append((item, paper_reference, consultations, consultation_ids))
            self._quiet("paper", paper_reference, self._followed_of(organizations))
        upsert = self._upsert()
        upsert.papers = await papers_by_references(
            self.session, references={c[1] for c in chosen if c[1] in owners}
        )
        upsert.meetings = await meetings_by_keys(
            self.session, keys={c.meeting for row in chosen for c in row[2] if c.meeting}
        )
        applied: list[tuple[JsonDict, str, list[ConsultationIn], list[str | None]]] = []
        fresh: list[tuple[JsonDict, PaperIn, list[str | None]]] = []
        references = [row[1] for row in chosen]
        bulk = len(set(references)) == len(references)  # else row by row, as an import does
        for item, paper_reference, consultations, consultation_ids in chosen:
            oparl_id = reference(item) or ""
            owner = owners.get(paper_reference, oparl_id)
            if owner not in (None, oparl_id):  # another RIS object has this reference
                self.skipped.append(oparl_id)
                continue
            existing = upsert.papers.get(paper_reference)
            originator_refs = as_list(item.get("underDirectionOf")) or as_list(
                item.get("originatorOrganization")
            )
            originator = next(
                (
                    self.by_oparl[r].key
                    for ref in originator_refs
                    if (r := reference(ref) or "") in self.by_oparl
                ),
                existing.originator.key if existing and existing.originator else None,
            )
            paper_in = PaperIn.model_construct(
                reference=paper_reference,
                name=text(item.get("name")) or paper_reference,
                paper_type=text(item.get("paperType"), 100) or "Vorlage",
                date=day(item.get("date")),
                originator=originator,
                proposal=existing.proposal if existing else None,
                summary=existing.summary if existing else None,
                consultations=consultations,
            )
            if existing is None and bulk:
                fresh.append((item, paper_in, consultation_ids))
                continue
            upsert.upsert_paper(paper_in)
            applied.append((item, paper_reference, consultations, consultation_ids))
        for item, paper_reference, _, _ in applied:
            # Set before the flush, so a new row is written once, with them.
            paper = upsert.papers[paper_reference]
            set_if_changed(paper, "oparl_id", reference(item))
            set_if_changed(paper, "web", text(item.get("web"), 1000))
        await self.session.flush()
        await upsert.replace_consultations(
            [
                PaperIn.model_construct(reference=r, name=r, paper_type="", consultations=c)
                for _, r, c, _ in applied
            ]
        )
        # New consultations of a new paper take their OParl ids now; those of a changed paper
        # after the flush that deletes the old rows (which may hold the same ids).
        later = [a for a in applied if a[1] not in upsert.created_papers]
        for _, paper_reference, _, consultation_ids in applied:
            if paper_reference in upsert.created_papers:
                set_oparl_ids(upsert.papers[paper_reference].consultations, consultation_ids)
        await self._finish(upsert)
        for _, paper_reference, _, consultation_ids in later:
            set_oparl_ids(upsert.papers[paper_reference].consultations, consultation_ids)
        await self.session.flush()
        await self._files([(upsert.papers[r], item) for item, r, _, _ in applied])
        await self._insert_papers(upsert, fresh)

    async def _insert_papers(
        self, upsert: Upsert, fresh: list[tuple[JsonDict, PaperIn, list[str | None]]]
    ) -> None:
        """New Vorlagen in bulk: ids reserved, one INSERT each for the page's papers, their
        Beratungsfolge and their documents; reported as created, as the upsert would."""
        if not fresh:
            return
        ids = await reserve_ids(self.session, table="papers", count=len(fresh))
        papers: list[dict[str, Any]] = []
        consultations: list[dict[str, Any]] = []
        files: list[dict[str, Any]] = []
        for (item, paper, consultation_ids), paper_id in zip(fresh, ids, strict=True):
            originator = upsert.organizations[paper.originator] if paper.originator else None
            papers.append(
                {
                    "id": paper_id,
                    "reference": paper.reference,
                    "name": paper.name,
                    "paper_type": paper.paper_type,
                    "date": paper.date,
                    "originator_id": originator.id if originator else None,
                    "proposal": None,
                    "summary": None,
                    "agenda_item": None,
                    "history": None,
                    "attachments": None,
                    "oparl_id": reference(item),
                    "web": text(item.get("web"), 1000),
                }
            )
            for position, (entry, oparl_id) in enumerate(
                zip(paper.consultations, consultation_ids, strict=True)
            ):
                info = upsert.consultation_info(entry)
                consultations.append(
                    {
                        "paper_id": paper_id,
                        "position": position,
                        "organization_id": upsert.organizations[info.organization].id,
                        "meeting_id": upsert.meetings[info.meeting].id if info.meeting else None,
                        "date": info.date,
                        "public": info.public,
                        "role": info.role,
                        "authoritative": info.authoritative,
                        "oparl_id": oparl_id,
                    }
                )
            files += [
                {"paper_id": paper_id, **self._file_values(entry)}
                for entry in mapping.paper_files(item)
            ]
        await insert_rows(self.session, table="papers", rows=papers)
        await insert_rows(self.session, table="consultations", rows=consultations)
        await insert_rows(self.session, table="files", rows=files)
        self.report.papers.created += [
            EntityRef(PAPER, paper_id, paper.reference, paper.name)
            for (_, paper, _), paper_id in zip(fresh, ids, strict=True)
        ]

    @staticmethod
    def _given_reference(item: JsonDict, oparl_id: str) -> str:
        """The reference a paper gets when it is new: its own, else one from its OParl id."""
        fallback = "OParl-" + oparl_id.rstrip("/").rsplit("/")[-1]
        return (text(item.get("reference"), 50) or fallback)[:50]

    def _consultations(
        self, item: JsonDict, meetings: dict[str, tuple[str, datetime, bool]]
    ) -> tuple[list[ConsultationIn], list[str | None], list[str]]:
        entries: list[ConsultationIn] = []
        ids: list[str | None] = []
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
            entries.append(
                ConsultationIn.model_construct(
                    organization=self.by_oparl[known[0]].key,
                    date=meeting[1].astimezone(self.tz).date() if meeting else None,
                    meeting=meeting[0] if meeting else None,
                    public=True,
                    role=text(consultation.get("role"), 100),
                    authoritative=flag(consultation.get("authoritative"), False),
                )
            )
            ids.append(reference(consultation))
        return entries, ids, organizations

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
