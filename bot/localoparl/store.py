"""The data of the local OParl 1.1 test server: one system, one or more bodies, their
organizations, meetings (with embedded agenda items) and papers (with embedded consultations and
files), each with `created`/`modified` stamps from a clock the test moves, and tombstones.

Written from the OParl 1.1 specification (objects, lists with `links.next`, the
`modified_since`/`created_since` filters, deleted objects), not copied from any server.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

JsonDict = dict[str, Any]
LISTS = ("organization", "meeting", "paper")


@dataclass
class Quirks:
    """Behaviour of real servers, switchable per test."""

    drop_filter_in_next: bool = False  # links.next forgets modified_since
    ignore_modified_since: bool = False  # lists always answer in full
    repeat_last_page: bool = False  # the last page links to itself as next
    duplicate_across_pages: bool = False  # the first item of each page repeats the previous last
    tombstone_without_type: bool = False  # deleted objects carry only id and deleted
    na_strings: bool = False  # empty fields as "N/A" or ""
    single_object_lists: bool = False  # a one-element list sent as the bare element
    naive_datetimes: bool = False  # date-times without UTC offset (local time)


@dataclass
class Faults:
    """Injected faults: the next `fail` requests answer `status`; `hang` requests never answer
    in time; `down` answers 503 to everything; `fail_after` fails every request after that many."""

    fail: int = 0
    status: int = 503
    hang: int = 0
    down: bool = False
    fail_after: int | None = None
    fail_paths: tuple[str, ...] = ()  # only requests whose path contains one of these


@dataclass
class OParlStore:
    base: str = "http://127.0.0.1:0/oparl/v1"
    page_size: int = 20
    clock: datetime = field(default_factory=lambda: datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    quirks: Quirks = field(default_factory=Quirks)
    faults: Faults = field(default_factory=Faults)
    bodies: list[JsonDict] = field(default_factory=list)
    objects: dict[str, dict[str, JsonDict]] = field(
        default_factory=lambda: {name: {} for name in LISTS}
    )
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    counter: int = 0

    # --- building -------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def stamp(self) -> str:
        return self.clock.isoformat()

    def tick(self, seconds: int = 60) -> None:
        self.clock += timedelta(seconds=seconds)

    def _next_id(self, kind: str) -> str:
        self.counter += 1
        return self.url(f"{kind}/{self.counter}")

    def add_body(self, name: str, short: str | None = None) -> JsonDict:
        number = len(self.bodies) + 1
        body_id = self.url(f"body/{number}")
        body = {
            "id": body_id,
            "type": "https://schema.oparl.org/1.1/Body",
            "name": name,
            "shortName": short or name,
            "organization": f"{body_id}/organizations",
            "meeting": f"{body_id}/meetings",
            "paper": f"{body_id}/papers",
            "person": f"{body_id}/people",
            "created": self.stamp(),
            "modified": self.stamp(),
        }
        self.bodies.append(body)
        return body

    def _put(self, kind: str, obj: JsonDict) -> JsonDict:
        obj.setdefault("created", self.stamp())
        obj["modified"] = self.stamp()
        self.objects[kind][obj["id"]] = obj
        return obj

    def add_organization(
        self, name: str, organization_type: str = "Gremium", classification: str = "Ausschuss"
    ) -> JsonDict:
        return self._put(
            "organization",
            {
                "id": self._next_id("organization"),
                "type": "https://schema.oparl.org/1.1/Organization",
                "body": self.bodies[0]["id"],
                "name": name,
                "shortName": name,
                "organizationType": organization_type,
                "classification": classification,
            },
        )

    def add_file(self, name: str, content: bytes, mime: str = "application/pdf") -> JsonDict:
        file_id = self._next_id("file")
        self.files[file_id] = (mime, content)
        return {
            "id": file_id,
            "type": "https://schema.oparl.org/1.1/File",
            "name": name,
            "fileName": name,
            "mimeType": mime,
            "size": len(content),
            "accessUrl": f"{file_id}/download",
            "created": self.stamp(),
            "modified": self.stamp(),
        }

    def add_paper(
        self,
        reference: str,
        name: str,
        *,
        paper_type: str = "Beschlussvorlage",
        date: str = "2026-06-01",
        consultations: list[tuple[JsonDict, str, bool]] = (),  # type: ignore[assignment]
        originator: JsonDict | None = None,
        files: list[JsonDict] = (),  # type: ignore[assignment]
    ) -> JsonDict:
        paper_id = self._next_id("paper")
        paper: JsonDict = {
            "id": paper_id,
            "type": "https://schema.oparl.org/1.1/Paper",
            "body": self.bodies[0]["id"],
            "name": name,
            "reference": reference,
            "date": date,
            "paperType": paper_type,
            "web": f"http://ris.example/vo020?VOLFDNR={self.counter}",
            "consultation": [],
        }
        if originator is not None:
            paper["underDirectionOf"] = [originator["id"]]
        if files:
            paper["mainFile"] = files[0]
            paper["auxiliaryFile"] = list(files[1:])
        for organization, role, authoritative in consultations:
            paper["consultation"].append(
                {
                    "id": self._next_id("consultation"),
                    "type": "https://schema.oparl.org/1.1/Consultation",
                    "paper": paper_id,
                    "organization": [organization["id"]],
                    "role": role,
                    "authoritative": authoritative,
                }
            )
        return self._put("paper", paper)

    def add_meeting(
        self,
        organization: JsonDict,
        name: str,
        start: datetime,
        *,
        end: datetime | None = None,
        location: str | None = "Landratsamt",
        agenda: list[tuple[str, str, JsonDict | None]] = (),  # type: ignore[assignment]
    ) -> JsonDict:
        meeting_id = self._next_id("meeting")
        meeting: JsonDict = {
            "id": meeting_id,
            "type": "https://schema.oparl.org/1.1/Meeting",
            "name": name,
            "start": start.isoformat(),
            "end": (end or start + timedelta(hours=3)).isoformat(),
            "organization": [organization["id"]],
            "web": f"http://ris.example/si0057?SILFDNR={self.counter}",
            "agendaItem": [],
        }
        if location is not None:
            meeting["location"] = {"description": location}
        for number, title, paper in agenda:
            self.add_agenda_item(meeting, number, title, paper, touch=False)
        return self._put("meeting", meeting)

    def add_agenda_item(
        self, meeting: JsonDict, number: str, title: str, paper: JsonDict | None, *, touch: bool
    ) -> None:
        item: JsonDict = {
            "id": self._next_id("agendaitem"),
            "type": "https://schema.oparl.org/1.1/AgendaItem",
            "meeting": meeting["id"],
            "number": number,
            "order": len(meeting["agendaItem"]) + 1,
            "name": title,
            "public": True,
        }
        if paper is not None and paper["consultation"]:
            consultation = paper["consultation"][0]
            item["consultation"] = consultation["id"]
            consultation["meeting"] = meeting["id"]
            consultation["agendaItem"] = item["id"]
        meeting["agendaItem"].append(item)
        if touch:
            self._put("meeting", meeting)

    # --- mutations between syncs ----------------------------------------------------------

    def change(self, kind: str, obj: JsonDict, **values: Any) -> JsonDict:
        obj.update(values)
        return self._put(kind, obj)

    def touch(self, kind: str, obj: JsonDict) -> JsonDict:
        """Re-stamp `modified` without changing content (servers do that)."""
        return self._put(kind, obj)

    def delete(self, kind: str, obj: JsonDict) -> None:
        tombstone = {
            "id": obj["id"],
            "type": obj["type"],
            "deleted": True,
            "created": obj["created"],
        }
        self._put(kind, tombstone)

    # --- reading --------------------------------------------------------------------------

    def listing(self, kind: str, modified_since: datetime | None) -> list[JsonDict]:
        items = list(self.objects[kind].values())
        if modified_since is not None and not self.quirks.ignore_modified_since:
            items = [i for i in items if datetime.fromisoformat(i["modified"]) >= modified_since]
        elif not self.quirks.ignore_modified_since:
            # Without the filter the spec lets a server leave deleted objects out.
            items = [i for i in items if not i.get("deleted")]
        return sorted(items, key=lambda i: (i["modified"], i["id"]))

    def find(self, object_id: str) -> JsonDict | None:
        for kind in LISTS:
            if object_id in self.objects[kind]:
                return self.objects[kind][object_id]
        return None
