"""Applying a page of OParl Meetings: adoption of a meeting of the same committee at the same
start, new readable keys, agendas linked to their Vorlagen, a deleted upcoming meeting cancelled."""

from __future__ import annotations

from datetime import datetime

from bot.services.importer.report import (
    MEETING,
    PAPER,
    EntityChange,
    FieldChange,
)
from bot.services.importer.schema import MeetingIn
from bot.services.oparl import mapping
from bot.services.oparl.lists import turns
from bot.services.oparl.meeting_rows import NewMeeting, NewMeetingSteps
from bot.services.oparl.records import MeetingRecord
from bot.services.oparl.state import set_agenda_ids, set_if_changed
from bot.services.organization_names import (
    organization_key,
)
from storage.models import File, Meeting, MeetingKind, Organization
from storage.queries.council_keys import meetings_by_keys, papers_by_references
from storage.queries.oparl import (
    MeetingIdentity,
    consultation_papers,
    files_of_meetings,
    follow_meeting_day,
    link_consultations,
    meeting_keys_by_oparl_ids,
    meeting_keys_with_prefixes,
    paper_names,
    unsynced_meetings_at,
)


class MeetingSteps(NewMeetingSteps):
    async def meetings(self, page: list[MeetingRecord]) -> None:
        ids = [record.oparl_id or "" for record in page]
        known = await meeting_keys_by_oparl_ids(self.session, oparl_ids=ids)
        live: list[tuple[MeetingRecord, str, Organization, datetime]] = []
        for record, oparl_id in zip(page, ids, strict=True):
            if not oparl_id or record.deleted:
                continue
            organizations = self._followed_of(record.organizations)
            if not organizations:
                continue
            if record.start is None:
                self.skipped.append(oparl_id)
                continue
            live.append((record, oparl_id, organizations[0], record.start))
        slots = [(org.id, start) for _, oid, org, start in live if oid not in known]
        adopted = await unsynced_meetings_at(self.session, slots=slots)
        bases = {self._base_key(org, start) for _, _, org, start in live}
        taken = await meeting_keys_with_prefixes(self.session, prefixes=bases)
        taken |= self.unwritten_keys  # the previous batch's new meetings, not written yet
        keys: list[str] = []
        there: set[str] = set()  # keys of rows there already (synced or to adopt)
        async for _, oparl_id, org, start in turns(live):
            key = known[oparl_id].key if oparl_id in known else adopted.get((org.id, start))
            if key is None:
                key = organization_key(self._base_key(org, start), taken)
                taken.add(key)
            else:
                there.add(key)
            keys.append(key)
        consultations = (
            await consultation_papers(
                self.session,
                oparl_ids={e.consultation for row in live for e in row[0].agenda if e.consultation},
            )
            # The notices name each agenda's Vorlagen; a sync that tells no one (the first)
            # reads the meetings before the Vorlagen and links all at the end (`link_agendas`).
            if self.report.notify
            else {}
        )
        upsert = self._upsert()
        upsert.meetings = await meetings_by_keys(self.session, keys=there)
        self.writes.start()  # the previous batch's rows, while this one is built
        papers = {oparl_id: ref for oparl_id, (_, ref, _) in consultations.items()}
        paper_ids = {ref: paper_id for _, ref, paper_id in consultations.values()}
        pending: list[MeetingIn] = []
        changed_before = len(self.report.meetings.changed)
        agendas: dict[str, list[mapping.AgendaEntry]] = {}
        bulk = len(set(keys)) == len(keys)  # else row by row, as an import does
        fresh: list[NewMeeting] = []
        async for (record, _, org, start), key in turns(zip(live, keys, strict=True)):
            existing = upsert.meetings.get(key)
            entries = mapping.with_papers(record.agenda, papers)
            name = record.name or f"Sitzung {org.name}"[:255]
            self._quiet("meeting", key, [org])
            if existing is None and bulk:
                fresh.append(NewMeeting(record, key, org, start, name, entries))
                continue
            agendas[key] = entries
            pending.append(
                MeetingIn.model_construct(
                    key=key,
                    organization=org.key,
                    kind=existing.kind.value if existing else MeetingKind.SESSION.value,
                    name=name,
                    start=start,
                    end=record.end,
                    location=record.location,
                    public=existing.public if existing else True,
                    cancelled=record.cancelled,
                    rsvp=existing.rsvp if existing else False,
                    agenda=[entry.as_item() for entry in entries],
                )
            )
        rows = await self._new_meeting_rows(fresh, paper_ids)
        await self.writes.done()
        # Only the meetings that are there already need their Vorlagen as objects.
        upsert.papers = await papers_by_references(
            self.session, references={e.paper for m in pending for e in m.agenda if e.paper}
        )
        for meeting_in in pending:
            upsert.upsert_meeting(meeting_in)
        inserted = await self._queue_new_meetings(fresh, rows)
        await self._decisions_in_new_meetings(fresh, paper_ids)
        live = [row for row, key in zip(live, keys, strict=True) if key not in inserted]
        keys = [key for key in keys if key not in inserted]
        new_meetings = {key for key in keys if upsert.meetings[key].id is None}
        for (record, oparl_id, _, _), key in zip(live, keys, strict=True):
            meeting = upsert.meetings[key]
            set_if_changed(meeting, "oparl_id", oparl_id)
            set_if_changed(meeting, "web", record.web)
            if key in new_meetings:  # written once, with the ids; others after the flush
                set_agenda_ids(meeting.agenda_items, agendas[key])
        await self._finish(upsert)
        links: list[tuple[int, int, object]] = []
        for key in keys:
            meeting = upsert.meetings[key]
            if key not in new_meetings:
                set_agenda_ids(meeting.agenda_items, agendas[key])
            self._results(meeting, [e.result for e in agendas[key]])
            links += self._links(agendas[key], consultations, meeting.id, meeting.start)
        named = len(links)
        async for entries, meeting_id, start in turns(inserted.values()):
            links += self._links(entries, consultations, meeting_id, start)
        if len(links) > named:
            await self.writes.flush()  # consultations are linked to the new meetings: now
        await self.session.flush()
        await link_consultations(self.session, links=links)
        for change in self.report.meetings.changed[changed_before:]:
            if change.change("start") is not None:
                moved = upsert.meetings[change.key].start.astimezone(self.tz).date()
                await follow_meeting_day(self.session, meeting_id=change.id, day=moved)
        await self.session.flush()
        await self._documents(
            [(upsert.meetings[key], row[0]) for row, key in zip(live, keys, strict=True)]
        )
        await self._cancel_deleted(page, known)

    def _links(
        self,
        entries: list[mapping.AgendaEntry],
        consultations: dict[str, tuple[int, str, int]],
        meeting_id: int,
        start: datetime,
    ) -> list[tuple[int, int, object]]:
        """(consultation id, meeting id, day) of the consultations the meeting's agenda names."""
        local = start.astimezone(self.tz).date()
        return [
            (found[0], meeting_id, local)
            for entry in entries
            if entry.consultation and (found := consultations.get(entry.consultation))
        ]

    def _results(self, meeting: Meeting, results: list[str | None]) -> None:
        """The decisions taken on the agenda items; one on a Vorlage is news for it."""
        for item, result in zip(meeting.agenda_items, results, strict=False):
            if item.result == result:
                continue
            old, item.result = item.result, result
            if result is None or item.paper is None:
                continue
            paper = item.paper
            self.report.papers.changed.append(
                EntityChange(
                    PAPER,
                    paper.id,
                    paper.reference,
                    paper.name,
                    (FieldChange("decision", old, f"{meeting.organization.name}: {result}"),),
                )
            )

    async def _decisions_in_new_meetings(
        self, fresh: list[NewMeeting], paper_ids: dict[str, int]
    ) -> None:
        """A meeting the RIS publishes only with its results (entered afterwards): its decisions
        on Vorlagen are news as much as a result added to a known meeting. Not looked at when
        no one is told (the first sync)."""
        if not self.report.notify:
            return
        decided = [
            (new, entry) for new in fresh for entry in new.agenda if entry.result and entry.paper
        ]
        if not decided:
            return
        names = await paper_names(
            self.session, ids=[paper_ids[entry.paper or ""] for _, entry in decided]
        )
        for new, entry in decided:
            paper_id = paper_ids[entry.paper or ""]
            self.report.papers.changed.append(
                EntityChange(
                    PAPER,
                    paper_id,
                    entry.paper or "",
                    names.get(paper_id, entry.paper or ""),
                    (FieldChange("decision", None, f"{new.organization.name}: {entry.result}"),),
                )
            )

    async def _documents(self, meetings: list[tuple[Meeting, MeetingRecord]]) -> None:
        """A meeting's own documents by reference, like a Vorlage's. A new one of an upcoming
        meeting (Nachtrag, Tischvorlage) or a protocol is a change the members hear of."""
        existing = await files_of_meetings(
            self.session, meeting_ids=[meeting.id for meeting, _ in meetings]
        )
        added: list[tuple[Meeting, File]] = []
        for meeting, record in meetings:
            have = existing.get(meeting.id, {})
            for role, file in record.files:
                values = self._new_file(file)
                row = have.pop(values["oparl_id"], None)
                if row is None:
                    row = File(paper_id=None, meeting_id=meeting.id, role=role, **values)
                    self.session.add(row)
                    added.append((meeting, row))
                elif (row.file_name, row.access_url, row.role) != (
                    values["file_name"],
                    values["access_url"],
                    role,
                ):
                    row.file_name, row.access_url, row.role = (
                        values["file_name"],
                        values["access_url"],
                        role,
                    )
            for row in have.values():
                await self.session.delete(row)
        await self.session.flush()
        for meeting, row in added:
            self.report.meetings.changed.append(
                EntityChange(
                    MEETING,
                    meeting.id,
                    meeting.key,
                    meeting.name,
                    (FieldChange("document", None, row.id),),
                )
            )

    def _base_key(self, org: Organization, start: datetime) -> str:
        return f"{org.key[:80]}-{start.astimezone(self.tz):%Y-%m-%d}"

    async def _cancel_deleted(
        self, page: list[MeetingRecord], known: dict[str, MeetingIdentity]
    ) -> None:
        """A deleted meeting that is still to come counts as cancelled; a past one stays."""
        keys = [
            known[ref].key
            for record in page
            if record.deleted
            and (ref := record.oparl_id or "") in known
            and known[ref].start > self.now
            and not known[ref].cancelled
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
