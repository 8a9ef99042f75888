"""Dialogue drafts are typed dataclasses of plain values, stored as JSON (bot/dialogues/drafts)."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest

from bot.dialogues import DraftError, decode_draft, encode_draft
from handlers.broadcast import BroadcastDraft
from handlers.meeting_admin.common import MeetingDraft
from handlers.paper_admin.common import PaperDraft
from storage.models import MeetingKind, Organization


def test_a_draft_round_trips_through_json() -> None:
    draft = MeetingDraft(
        mode="move",
        kind=MeetingKind.PRESENTATION,
        organization_id=7,
        name="Präsentation Beratungsfirma A",
        start=datetime(2021, 7, 5, 12, 0, tzinfo=UTC),
        end=None,
        keep_location=True,
    )
    stored = json.loads(json.dumps(encode_draft(draft)))
    assert stored["kind"] == "presentation" and stored["start"] == "2021-07-05T12:00:00+00:00"
    assert decode_draft(MeetingDraft, stored) == draft
    paper = PaperDraft(reference="2021/144", day=date(2021, 6, 2), originator_id=3)
    assert decode_draft(PaperDraft, encode_draft(paper)) == paper
    assert decode_draft(PaperDraft, {}) == PaperDraft()  # missing fields take their defaults


def test_an_attachment_is_kept_as_its_file_id_never_its_bytes() -> None:
    fields = {f.name: f.type for f in dataclasses.fields(BroadcastDraft)}
    assert "bytes" not in " ".join(str(kind) for kind in fields.values())
    draft = BroadcastDraft(body="Text", attachment_file_id="BQACAgIAAx", attachment_name="a.pdf")
    assert encode_draft(draft)["attachment_file_id"] == "BQACAgIAAx"


@dataclass
class Careless:
    organization: object = None
    content: object = None
    items: list[object] = field(default_factory=list)


def test_orm_objects_bytes_and_naive_times_are_refused() -> None:
    with pytest.raises(DraftError, match=r"Careless.organization: Organization"):
        encode_draft(Careless(organization=Organization(key="spd", name="SPD")))
    with pytest.raises(DraftError, match=r"Careless.content: bytes"):
        encode_draft(Careless(content=b"%PDF"))
    with pytest.raises(DraftError, match="naive datetime"):
        encode_draft(Careless(items=[datetime(2021, 7, 5, 14, 0)]))
    with pytest.raises(DraftError):
        encode_draft({"name": "a dict is no draft"})
