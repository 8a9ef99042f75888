"""What one sync's apply steps share: the session, the report, the organizations by OParl id and
key, what is followed, and the helpers to upsert a page through the importer."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.importer.apply import Upsert
from bot.services.importer.report import (
    EntityRef,
    ImportReport,
)
from bot.services.oparl.mapping import AgendaEntry
from bot.services.oparl.writes import WriteBehind
from storage.models import Organization
from storage.queries.oparl import (
    all_organizations,
)
from storage.queries.oparl_bulk import insert_rows, reserve_ids

JsonDict = dict[str, Any]


@dataclass
class SyncState:
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
    writes: WriteBehind = field(default_factory=WriteBehind)  # a batch's new rows
    # What the previous batch's queued rows hold that the next batch's look-ups cannot see yet:
    # the references of its new papers (→ their OParl ids), so that another RIS object with
    # one of them is refused as a clash, and the keys of its new meetings, so that no new
    # meeting takes one of them.
    unwritten_references: dict[str, str] = field(default_factory=dict)
    unwritten_keys: set[str] = field(default_factory=set)

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

    async def _give_ids(
        self, table: str, rows: list[dict[str, Any]], *dependent: list[dict[str, Any]], column: str
    ) -> None:
        """Reserve ids for `rows`, new rows of `table` whose "id" is their place in the batch,
        and put them in there and in `column` of the `dependent` rows naming the same places."""
        ids = await reserve_ids(self.session, table=table, count=len(rows))
        for row in rows:
            row["id"] = ids[row["id"]]
        for row in itertools.chain(*dependent):
            row[column] = ids[row[column]]

    def _write_later(self, table: str, rows: list[dict[str, Any]]) -> None:
        """Queue the bulk insert of `rows` into `table` (`writes`)."""
        self.writes.later(functools.partial(insert_rows, self.session, table=table, rows=rows))

    def _new_file(self, values: dict[str, Any]) -> dict[str, Any]:
        """A new synced document's row (`records.file_values`): a reference, fetched when a
        member taps it."""
        return {**values, "sha256": "", "content": None, "created_at": self.now}

    def _followed_of(self, refs: list[str]) -> list[Organization]:
        return [self.by_oparl[ref] for ref in refs if ref in self.followed and ref in self.by_oparl]

    def _quiet(self, kind: str, key: str, organizations: list[Organization]) -> None:
        if not self.newly_followed:
            return
        if organizations and all(org.oparl_id in self.newly_followed for org in organizations):
            self.silent.add((kind, key))


def set_if_changed(row: Any, attribute: str, value: Any) -> None:
    """Assign only a different value: an unchanged row is not written (and keeps updated_at)."""
    if getattr(row, attribute) != value:
        setattr(row, attribute, value)


def set_oparl_ids(rows: list[Any], ids: list[str | None]) -> None:
    for row, oparl_id in zip(rows, ids, strict=False):
        set_if_changed(row, "oparl_id", oparl_id)


def set_agenda_ids(rows: list[Any], entries: list[AgendaEntry]) -> None:
    """Agenda items take the OParl ids of their entries and of the consultations they name."""
    for row, entry in zip(rows, entries, strict=False):
        set_if_changed(row, "oparl_id", entry.oparl_id)
        set_if_changed(row, "consultation_oparl_id", entry.consultation)
