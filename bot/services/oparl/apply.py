"""Applying OParl pages through the importer's upsert, page by page, in bulk.

Each page is one `Upsert` (bot/services/importer/apply.py) over the rows the page names, loaded
with a few queries per page, then one flush: unchanged objects are not written and not reported,
changed ones are recorded in the shared `ImportReport`, from which the existing notice machinery
(bot/services/notices) writes the outbox rows at the end of the sync. What the import has no
notion of is done here: OParl ids and web links, adoption of rows made by an import or the chat,
deleted objects, synced files by reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.importer.apply import Upsert
from bot.services.importer.report import (
    MEETING,
    EntityChange,
    EntityRef,
    FieldChange,
    ImportReport,
)
from bot.services.importer.schema import ConsultationIn, MeetingIn, PaperIn
from bot.services.oparl import mapping
from bot.services.oparl.values import as_list, day, flag, is_tombstone, reference, text, when
from bot.services.organization_names import (
    match_organization,
    organization_key,
    same_organization,
)
from storage.models import File, MeetingKind, Organization, OrganizationKind
from storage.queries.council_keys import meetings_by_keys, papers_by_references
from storage.queries.oparl import (
    all_organizations,
    consultation_papers,
    delete_papers_by_oparl_ids,
    files_of_papers,
    follow_meeting_day,
    link_consultations,
    meeting_keys_by_oparl_ids,
    meeting_keys_with_prefixes,
    paper_owners,
    paper_references_by_oparl_ids,
    unsynced_meetings_at,
)

JsonDict = dict[str, Any]


@dataclass
class SyncApply:
    session: AsyncSession
    report: ImportReport
    tz: tzinfo
    now: datetime
    followed: set[str] = field(default_factory=set)  # OParl ids of followed organizations
    newly_followed: set[str] = field(default_factory=set)  # synced without notices this time
    by_oparl: dict[str, Organization] = field(default_factory=dict)
    by_key: dict[str, Organization] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)  # "paper 2021/144", …
    skipped: list[str] = field(default_factory=list)  # OParl ids that could not be applied
    silent: set[tuple[str, str]] = field(default_factory=set)  # (kind, key) not to announce

    # --- organizations --------------------------------------------------------------------

    async def load_organizations(self) -> None:
        rows = await all_organizations(self.session)
        self.by_key = {org.key: org for org in rows}
        self.by_oparl = {org.oparl_id: org for org in rows if org.oparl_id}

    def _upsert(self) -> Upsert:
        upsert = Upsert(self.session, self.report, self.tz, self.now)
        upsert.organizations = dict(self.by_key)
        return upsert

    async def _finish(self, upsert: Upsert) -> None:
        await self.session.flush()
        for target, kind, row, key, name in upsert.created:
            target.append(EntityRef(kind, row.id, key, name))
        upsert.created.clear()

    async def organizations(self, page: list[JsonDict]) -> None:
        upsert = self._upsert()
        unsynced = [(org.name, org) for org in self.by_key.values() if not org.oparl_id]
        for item in page:
            oparl_id = reference(item)
            if oparl_id is None or is_tombstone(item):
                continue  # a deleted organization keeps its history here
            name = mapping.organization_name(item)
            if name is None:
                self.skipped.append(oparl_id)
                continue
            organization = self.by_oparl.get(oparl_id)
            if organization is None and (adopted := match_organization(name, unsynced)):
                adopted.oparl_id = oparl_id  # the same name: link, never a twin
                self.by_oparl[oparl_id] = adopted
                continue
            if organization is not None and same_organization(organization.name, name):
                continue  # a spelling of the same name (e.g. of an adopted row) is no change
            if organization is None:
                short = text(item.get("shortName"), 100) or name
                key = organization_key(short, self.by_key)
            else:
                key = organization.key
            upsert.upsert_organization(key, name, mapping.organization_kind(item))
            organization = upsert.organizations[key]
            organization.oparl_id = oparl_id
            self.by_key[key] = self.by_oparl[oparl_id] = organization
        await self._finish(upsert)

    def resolve_followed(self, wanted: list[str]) -> tuple[set[str], list[str]]:
        """OParl ids of the organizations to follow, and the wanted names that match none."""
        synced = [(org.name, oparl_id) for oparl_id, org in self.by_oparl.items()]
        if not wanted:
            return {
                oparl_id
                for oparl_id, org in self.by_oparl.items()
                if org.kind == OrganizationKind.COMMITTEE
            }, []
        found: set[str] = set()
        unknown: list[str] = []
        for entry in wanted:
            match = entry if entry in self.by_oparl else match_organization(entry, synced)
            if match is None:
                by_key = self.by_key.get(entry)
                match = by_key.oparl_id if by_key is not None else None
            if match is None:
                unknown.append(entry)
            else:
                found.add(match)
        return found, unknown

    def _followed_of(self, refs: list[str]) -> list[Organization]:
        return [self.by_oparl[ref] for ref in refs if ref in self.followed and ref in self.by_oparl]

    def _quiet(self, kind: str, key: str, organizations: list[Organization]) -> None:
        if organizations and all(org.oparl_id in self.newly_followed for org in organizations):
            self.silent.add((kind, key))

    # --- papers ---------------------------------------------------------------------------

    async def papers(self, page: list[JsonDict]) -> None:
        gone = [ref for item in page if is_tombstone(item) and (ref := reference(item))]
        for paper_reference in await delete_papers_by_oparl_ids(self.session, oparl_ids=gone):
            self.deleted.append(f"paper {paper_reference}")  # disappears without a notice
        live = [item for item in page if not is_tombstone(item) and reference(item)]
        ids = [reference(item) or "" for item in live]
        known = await paper_references_by_oparl_ids(self.session, oparl_ids=ids)
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
            fallback = "OParl-" + oparl_id.rstrip("/").rsplit("/")[-1]
            paper_reference = known.get(oparl_id) or text(item.get("reference"), 50) or fallback
            chosen.append((item, paper_reference[:50], consultations, consultation_ids))
            self._quiet("paper", paper_reference, self._followed_of(organizations))
        owners = await paper_owners(self.session, references=[c[1] for c in chosen])
        upsert = self._upsert()
        upsert.papers = await papers_by_references(self.session, references=owners.keys())
        upsert.meetings = await meetings_by_keys(
            self.session, keys={c.meeting for row in chosen for c in row[2] if c.meeting}
        )
        applied: list[tuple[JsonDict, str, list[ConsultationIn], list[str | None]]] = []
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
            upsert.upsert_paper(
                PaperIn.model_construct(
                    reference=paper_reference,
                    name=text(item.get("name")) or paper_reference,
                    paper_type=text(item.get("paperType"), 100) or "Vorlage",
                    date=day(item.get("date")),
                    originator=originator,
                    proposal=existing.proposal if existing else None,
                    summary=existing.summary if existing else None,
                    consultations=consultations,
                )
            )
            applied.append((item, paper_reference, consultations, consultation_ids))
        for item, paper_reference, _, _ in applied:
            # Set before the flush, so a new row is written once, with them.
            paper = upsert.papers[paper_reference]
            _set(paper, "oparl_id", reference(item))
            _set(paper, "web", text(item.get("web"), 1000))
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
                _set_ids(upsert.papers[paper_reference].consultations, consultation_ids)
        await self._finish(upsert)
        for _, paper_reference, _, consultation_ids in later:
            _set_ids(upsert.papers[paper_reference].consultations, consultation_ids)
        await self.session.flush()
        await self._files([(upsert.papers[r], item) for item, r, _, _ in applied])

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

    # --- meetings -------------------------------------------------------------------------

    async def meetings(self, page: list[JsonDict]) -> None:
        ids = [reference(item) or "" for item in page]
        known = await meeting_keys_by_oparl_ids(self.session, oparl_ids=ids)
        live: list[tuple[JsonDict, str, Organization, datetime]] = []
        for item, oparl_id in zip(page, ids, strict=True):
            if not oparl_id or is_tombstone(item):
                continue
            refs = [reference(r) or "" for r in as_list(item.get("organization"))]
            organizations = self._followed_of(refs)
            start = when(item.get("start"), self.tz)
            if not organizations:
                continue
            if start is None:
                self.skipped.append(oparl_id)
                continue
            live.append((item, oparl_id, organizations[0], start))
        slots = [(org.id, start) for _, oid, org, start in live if oid not in known]
        adopted = await unsynced_meetings_at(self.session, slots=slots)
        bases = {self._base_key(org, start) for _, _, org, start in live}
        taken = await meeting_keys_with_prefixes(self.session, prefixes=bases)
        keys: list[str] = []
        for _, oparl_id, org, start in live:
            key = known[oparl_id][0] if oparl_id in known else adopted.get((org.id, start))
            if key is None:
                key = organization_key(self._base_key(org, start), taken)
                taken.add(key)
            keys.append(key)
        consultations = await consultation_papers(
            self.session, oparl_ids=mapping.consultation_refs([row[0] for row in live])
        )
        upsert = self._upsert()
        upsert.meetings = await meetings_by_keys(self.session, keys=keys)
        upsert.papers = await papers_by_references(
            self.session, references={ref for _, ref in consultations.values()}
        )
        papers = {oparl_id: ref for oparl_id, (_, ref) in consultations.items()}
        changed_before = len(self.report.meetings.changed)
        agenda_ids: dict[str, list[str | None]] = {}
        for (item, _, org, start), key in zip(live, keys, strict=True):
            existing = upsert.meetings.get(key)
            entries, agenda_ids[key] = mapping.agenda(item.get("agendaItem"), papers)
            name = text(item.get("name"), 255) or f"Sitzung {org.name}"[:255]
            upsert.upsert_meeting(
                MeetingIn.model_construct(
                    key=key,
                    organization=org.key,
                    kind=existing.kind.value if existing else MeetingKind.SESSION.value,
                    name=name,
                    start=start,
                    end=when(item.get("end"), self.tz),
                    location=mapping.location(item.get("location")),
                    public=existing.public if existing else True,
                    cancelled=flag(item.get("cancelled"), False),
                    rsvp=existing.rsvp if existing else False,
                    agenda=entries,
                )
            )
            self._quiet("meeting", key, [org])
        new_meetings = {key for key in keys if upsert.meetings[key].id is None}
        for (item, oparl_id, _, _), key in zip(live, keys, strict=True):
            meeting = upsert.meetings[key]
            _set(meeting, "oparl_id", oparl_id)
            _set(meeting, "web", text(item.get("web"), 1000))
            if key in new_meetings:  # written once, with the ids; others after the flush
                _set_ids(meeting.agenda_items, agenda_ids[key])
        await self._finish(upsert)
        links: list[tuple[int, int, object]] = []
        for (item, _, _, _), key in zip(live, keys, strict=True):
            meeting = upsert.meetings[key]
            if key not in new_meetings:
                _set_ids(meeting.agenda_items, agenda_ids[key])
            for entry in as_list(item.get("agendaItem")):
                if not isinstance(entry, dict):
                    continue
                found = consultations.get(reference(entry.get("consultation")) or "")
                if found:
                    local = meeting.start.astimezone(self.tz).date()
                    links.append((found[0], meeting.id, local))
        await self.session.flush()
        await link_consultations(self.session, links=links)
        for change in self.report.meetings.changed[changed_before:]:
            if change.change("start") is not None:
                moved = upsert.meetings[change.key].start.astimezone(self.tz).date()
                await follow_meeting_day(self.session, meeting_id=change.id, day=moved)
        await self.session.flush()
        await self._cancel_deleted(page, known)

    def _base_key(self, org: Organization, start: datetime) -> str:
        return f"{org.key[:80]}-{start.astimezone(self.tz):%Y-%m-%d}"

    async def _cancel_deleted(
        self, page: list[JsonDict], known: dict[str, tuple[str, datetime, bool]]
    ) -> None:
        """A deleted meeting that is still to come counts as cancelled; a past one stays."""
        keys = [
            known[ref][0]
            for item in page
            if is_tombstone(item)
            and (ref := reference(item) or "") in known
            and known[ref][1] > self.now
            and not known[ref][2]
        ]
        for meeting in (await meetings_by_keys(self.session, keys=keys)).values():
            meeting.cancelled = True
            meeting.sequence += 1
            self.report.meetings.cancelled.append(
                EntityChange(
                    MEETING,
                    meeting.id,
                    meeting.key,
                    meeting.name,
                    (FieldChange("cancelled", False, True),),
                )
            )
        await self.session.flush()

    # --- notices --------------------------------------------------------------------------

    def drop_silent(self) -> None:
        """Objects of a newly followed organization are synced, not announced."""
        if not self.silent:
            return
        report = self.report
        for kind, changes in (("meeting", report.meetings), ("paper", report.papers)):
            changes.created = [r for r in changes.created if (kind, r.key) not in self.silent]
            changes.changed = [c for c in changes.changed if (kind, c.key) not in self.silent]
        report.meetings.cancelled = [
            c for c in report.meetings.cancelled if ("meeting", c.key) not in self.silent
        ]
        report.agendas = [
            a for a in report.agendas if ("meeting", a.meeting_key) not in self.silent
        ]


def _set(row: Any, attribute: str, value: Any) -> None:
    """Assign only a different value: an unchanged row is not written (and keeps updated_at)."""
    if getattr(row, attribute) != value:
        setattr(row, attribute, value)


def _set_ids(rows: list[Any], ids: list[str | None]) -> None:
    for row, oparl_id in zip(rows, ids, strict=False):
        _set(row, "oparl_id", oparl_id)
