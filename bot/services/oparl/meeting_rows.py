"""New meetings of an OParl page in bulk: their rows, their agenda items and documents built
without importer items, ids reserved, and written while the next batch is built (`writes`);
reported as created, as the importer's upsert would."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from bot.services.importer.report import MEETING, EntityRef
from bot.services.oparl import mapping
from bot.services.oparl.lists import turns
from bot.services.oparl.records import MeetingRecord
from bot.services.oparl.state import SyncState
from storage.models import MeetingKind, Organization
from storage.queries.oparl_bulk import hold_agenda_items


class NewMeeting(NamedTuple):
    """A meeting of the page that is not there yet: inserted in bulk, without importer items."""

    record: MeetingRecord
    key: str
    organization: Organization
    start: datetime
    name: str
    agenda: list[mapping.AgendaEntry]


@dataclass
class NewMeetingRows:
    """The rows of a batch's new meetings, for `insert_rows`."""

    meetings: list[dict[str, Any]] = field(default_factory=list)
    agenda_items: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)


class NewMeetingSteps(SyncState):
    async def _new_meeting_rows(
        self, fresh: list[NewMeeting], paper_ids: dict[str, int]
    ) -> NewMeetingRows:
        """The rows of new meetings, their agenda items and documents; each names its meeting by
        its place in `fresh` until `_queue_new_meetings` gives the ids."""
        rows = NewMeetingRows()
        async for place, new in turns(enumerate(fresh)):
            record = new.record
            rows.files += [
                {"paper_id": None, "meeting_id": place, "role": role, **self._new_file(f)}
                for role, f in record.files
            ]
            rows.meetings.append(
                {
                    "id": place,
                    "key": new.key,
                    "organization_id": new.organization.id,
                    "kind": MeetingKind.SESSION,
                    "name": new.name,
                    "start": new.start,
                    "end": record.end,
                    "location": record.location,
                    "public": True,
                    "cancelled": record.cancelled,
                    "rsvp": False,
                    "sequence": 0,
                    "change_reason": None,
                    "oparl_id": record.oparl_id,
                    "web": record.web,
                }
            )
            rows.agenda_items += [
                {
                    "meeting_id": place,
                    "position": position,
                    "number": entry.number,
                    "name": entry.name,
                    "public": entry.public,
                    "paper_id": paper_ids[entry.paper] if entry.paper else None,
                    "result": entry.result,
                    "oparl_id": entry.oparl_id,
                    "consultation_oparl_id": entry.consultation,
                }
                for position, entry in enumerate(new.agenda)
            ]
        return rows

    async def _queue_new_meetings(
        self, fresh: list[NewMeeting], rows: NewMeetingRows
    ) -> dict[str, tuple[list[mapping.AgendaEntry], int, datetime]]:
        """New meetings in bulk: ids reserved, and one INSERT queued for the batch's meetings,
        one for their agenda items and one for their documents, written while the next batch
        is built (`writes`); reported as created, as the upsert would. By key: (agenda, id,
        start)."""
        self.unwritten_keys = {new.key for new in fresh}
        if not fresh:
            return {}
        await self._give_ids(
            "meetings", rows.meetings, rows.agenda_items, rows.files, column="meeting_id"
        )
        self._write_later("meetings", rows.meetings)
        if self.report.notify:
            self._write_later("agenda_items", rows.agenda_items)
        else:
            # Only the first sync tells no one, and only it reads the meetings before the
            # Vorlagen (service._sync): no agenda item can name its Vorlage yet, so the items
            # wait for them (storage/queries/oparl_bulk.hold_agenda_items).
            held = functools.partial(hold_agenda_items, self.session, rows=rows.agenda_items)
            self.writes.later(held)
        self._write_later("files", rows.files)
        self.report.meetings.created += [
            EntityRef(MEETING, meeting["id"], new.key, new.name)
            for new, meeting in zip(fresh, rows.meetings, strict=True)
        ]
        return {
            new.key: (new.agenda, meeting["id"], new.start)
            for new, meeting in zip(fresh, rows.meetings, strict=True)
        }
