"""Applying OParl pages batch by batch: new objects in bulk, the others through the
importer's upsert.

A batch (the pages that have arrived, up to 500 objects) is read into records (records.py) and
applied with a few look-ups. New Vorlagen and meetings are written in bulk, below the ORM, while
the next batch is built (papers.py, meeting_rows.py, writes.py). Objects that are there already
go through one `Upsert` (bot/services/importer/apply.py) per batch: unchanged objects are not
written and not reported, changed ones are recorded in the shared `ImportReport`. From that
report the existing notice machinery (bot/services/notices) writes the outbox rows at the end of
the sync. What the import has no notion of is done here: OParl ids and web links, adoption of
rows made by an import or the chat, deleted objects, synced files by reference.
"""

from __future__ import annotations

from typing import Any

from bot.services.oparl import mapping
from bot.services.oparl.meetings import MeetingSteps
from bot.services.oparl.papers import PaperSteps
from bot.services.oparl.values import is_tombstone, reference, text
from bot.services.organization_names import (
    match_organization,
    organization_key,
    same_organization,
)
from storage.models import OrganizationKind
from storage.queries.oparl import (
    consultations_on_agendas,
    link_agenda_papers,
    link_consultations,
)
from storage.queries.oparl_bulk import release_agenda_items

JsonDict = dict[str, Any]


class SyncApply(PaperSteps, MeetingSteps):
    """The apply steps of one sync (organizations here; papers and meetings in their modules)."""

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

    async def link_agendas(self) -> None:
        """What agendas and Vorlagen read in either order say of each other: an agenda item
        takes the Vorlage of the consultation it names, a consultation without a meeting the
        meeting (and day) of the first agenda item that names it. Each batch links what is
        there already; this links what came later. The first sync reads the meetings first:
        their agenda items were held back until now and are written here, with their
        Vorlagen."""
        await release_agenda_items(self.session)
        await link_agenda_papers(self.session)
        found = await consultations_on_agendas(self.session)
        links: list[tuple[int, int, object]] = [
            (step, meeting, start.astimezone(self.tz).date()) for step, meeting, start in found
        ]
        await link_consultations(self.session, links=links)

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
