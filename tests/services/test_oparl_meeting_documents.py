"""A meeting's own documents from the information system (issue 14, point 3/4): invitation,
protocols and auxiliary files synced by reference like a Vorlage's, fetched on a tap; a new
document of an upcoming meeting (Nachtrag) and a published protocol reach members once, in the
sync's one combined message; the first sync tells no one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localoparl.sample import BERLIN, build
from bot.localoparl.server import LocalOParl
from bot.services.oparl.files import document_for_member
from storage.models import File, Meeting
from storage.queries.council import meeting_by_id
from tests.notice_samples import ANNA, NOW, by_chat, deliveries, prepare
from tests.services.test_oparl_sync import sync

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def oparl() -> AsyncIterator[LocalOParl]:
    async with LocalOParl() as server:
        server.store.page_size = 2
        server.store.clock = NOW
        yield server


async def _files(sessions: Sessions) -> dict[str, File]:
    async with sessions() as session:
        rows = (await session.execute(select(File).where(File.meeting_id.is_not(None)))).scalars()
        return {row.file_name: row for row in rows}


async def test_meeting_documents_synced_shown_and_notified(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    store = oparl.store
    sample = build(store)
    store.change(
        "meeting", sample["meeting"], invitation=store.add_file("einladung.pdf", b"%PDF-1 e")
    )
    store.change(
        "meeting", sample["later"], invitation=store.add_file("kt-einladung.pdf", b"%PDF kt")
    )
    first = await sync(sessions, oparl)
    assert first.first and await deliveries(sessions) == []  # the first sync tells no one
    files = await _files(sessions)
    assert set(files) == {"einladung.pdf", "kt-einladung.pdf"}  # adopted and new meeting
    invitation = files["einladung.pdf"]
    assert (invitation.role, invitation.paper_id, invitation.sha256) == ("invitation", None, "")
    async with sessions() as session:
        meeting = await meeting_by_id(session, meeting_id=invitation.meeting_id or 0)
        assert meeting is not None and meeting.key == "sa-2030-03-04"
        assert [f.file_name for f in meeting.files] == ["einladung.pdf"]  # the view's buttons
    name, content = await document_for_member(sessions, file_id=invitation.id, request_timeout=2)
    assert (name, content) == ("einladung.pdf", b"%PDF-1 e")  # fetched on the tap

    # A Nachtrag to the upcoming meeting: members hear of it once.
    store.tick(600)
    nachtrag = store.add_file("nachtrag-tischvorlage.pdf", b"%PDF n")
    store.change("meeting", sample["meeting"], auxiliaryFile=[nachtrag])
    await sync(sessions, oparl, now=NOW + timedelta(minutes=10))
    anna = by_chat(await deliveries(sessions))[ANNA]
    assert [row.kind for row in anna] == ["meeting_file"]
    text = anna[0].payload["text"]
    assert text.startswith("📎 <b>Neue Unterlage zur Sitzung</b>")
    assert "nachtrag-tischvorlage.pdf" in text
    buttons = [b for row in anna[0].payload["buttons"] for b in row]
    assert any("nachtrag-tischvorlage.pdf" in str(b) for b in buttons)
    sent = len(await deliveries(sessions))
    again = await sync(sessions, oparl, now=NOW + timedelta(minutes=15))
    assert again.report.is_empty and len(await deliveries(sessions)) == sent

    # After the meeting its protocol is published: members hear of that too.
    store.tick(600)
    protocol = store.add_file("niederschrift.pdf", b"%PDF p")
    store.change("meeting", sample["meeting"], resultsProtocol=protocol)
    after = datetime(2030, 3, 10, 9, 0, tzinfo=UTC)
    await sync(sessions, oparl, now=after)
    anna = by_chat(await deliveries(sessions))[ANNA]
    assert len(anna) == 2 and anna[1].kind == "meeting_file"
    assert anna[1].payload["text"].startswith("📝 <b>Protokoll veröffentlicht</b>")
    assert (await _files(sessions))["niederschrift.pdf"].role == "results_protocol"
    # A Nachtrag of a meeting that is over is no news.
    store.tick(600)
    late = store.add_file("spaet.pdf", b"%PDF s")
    store.change("meeting", sample["meeting"], auxiliaryFile=[nachtrag, late])
    await sync(sessions, oparl, now=after + timedelta(minutes=10))
    assert len(by_chat(await deliveries(sessions))[ANNA]) == 2
    async with sessions() as session:
        stored = (
            (await session.execute(select(Meeting).where(Meeting.key == "sa-2030-03-04")))
            .unique()
            .scalar_one()
        )
        assert stored.oparl_id == sample["meeting"]["id"]


async def test_a_decision_on_a_vorlage_reaches_members_once(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    store = oparl.store
    sample = build(store)
    await sync(sessions, oparl)
    store.tick(600)
    item = sample["meeting"]["agendaItem"][1]  # "2 Sozialstrategie", on Vorlage 2030/001
    item["result"] = "Einstimmig zur Annahme empfohlen"
    store.change("meeting", sample["meeting"])
    after = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)  # the day after the meeting
    result = await sync(sessions, oparl, now=after)
    assert [c.key for c in result.report.papers.changed] == ["2030/001"]
    anna = by_chat(await deliveries(sessions))[ANNA]
    assert [row.kind for row in anna] == ["paper_decision"]
    assert anna[0].payload["text"] == (
        "⚖️ <b>Beschluss zur Vorlage 2030/001</b>\nSozialstrategie &amp; Co\n"
        "Sozialausschuss: Einstimmig zur Annahme empfohlen"
    )
    sent = len(await deliveries(sessions))
    again = await sync(sessions, oparl, now=after + timedelta(minutes=5))
    assert again.report.is_empty and len(await deliveries(sessions)) == sent


async def test_a_decision_in_a_meeting_published_only_afterwards_reaches_members(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    """The RIS often publishes a special session only with its results: the meeting is new to
    the sync and its decision on a Vorlage is news all the same."""
    await prepare(sessions)
    store = oparl.store
    sample = build(store)
    await sync(sessions, oparl)
    store.tick(600)
    special = store.add_meeting(
        sample["kt"], "Sondersitzung des Kreistags", datetime(2030, 3, 6, 15, 0, tzinfo=BERLIN)
    )
    store.add_agenda_item(special, "1", "Sozialstrategie", None, touch=False)
    decision_step = sample["paper"]["consultation"][1]  # the Kreistag's (Entscheidung)
    item = special["agendaItem"][0]
    item["consultation"], item["result"] = decision_step["id"], "Beschlossen"
    decision_step["meeting"], decision_step["agendaItem"] = special["id"], item["id"]
    store.change("meeting", special)
    store.change("paper", sample["paper"])
    after = datetime(2030, 3, 7, 9, 0, tzinfo=UTC)
    result = await sync(sessions, oparl, now=after)
    assert [c.key for c in result.report.papers.changed] == ["2030/001"]
    decisions = [
        row for row in by_chat(await deliveries(sessions))[ANNA] if row.kind == "paper_decision"
    ]
    assert [row.payload["text"] for row in decisions] == [
        "⚖️ <b>Beschluss zur Vorlage 2030/001</b>\nSozialstrategie &amp; Co\nKreistag: Beschlossen"
    ]
    sent = len(await deliveries(sessions))
    again = await sync(sessions, oparl, now=after + timedelta(minutes=5))
    assert again.report.is_empty and len(await deliveries(sessions)) == sent
