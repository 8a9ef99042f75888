"""The OParl sync against the local OParl server over real HTTP: first sync silent and adopting,
re-sent objects changing nothing, new Vorlage / moved / cancelled meeting notified once,
deleted Vorlage silent, quirks, faults that lose nothing."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.localoparl.sample import BERLIN, build
from bot.localoparl.server import LocalOParl
from bot.services.notices import change_notifier
from bot.services.oparl import OParlClient, ServerDown, SyncConfigError, SyncResult, sync_oparl
from storage.models import (
    AgendaItem,
    Consultation,
    Delivery,
    File,
    Meeting,
    OParlSource,
    Organization,
    Paper,
)
from tests.notice_samples import ANNA, NOW, by_chat, deliveries, prepare

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def oparl() -> AsyncIterator[LocalOParl]:
    async with LocalOParl() as server:
        server.store.page_size = 2  # several pages even for the small sample
        server.store.clock = NOW
        yield server


def settings(oparl: LocalOParl, **values: Any) -> Settings:
    return Settings(
        _env_file=None,
        timezone="Europe/Berlin",
        oparl_url=oparl.system_url,
        oparl_timeout=2,
        **values,
    )


async def sync(
    sessions: Sessions, oparl: LocalOParl, now: datetime = NOW, **values: Any
) -> SyncResult:
    config = settings(oparl, **{k: v for k, v in values.items() if k.startswith("oparl_")})
    client = OParlClient(timeout=config.oparl_timeout, backoff=0.01, max_backoff=0.05)
    try:
        return await sync_oparl(
            sessions,
            settings=config,
            notifier=change_notifier(config, now=now),
            now=now,
            client=client,
            full=values.get("full", False),
        )
    finally:
        await client.close()


async def count(sessions: Sessions, model: Any) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_first_sync_adopts_and_notifies_no_one_then_unchanged_changes_nothing(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    sample = build(oparl.store)
    first = await sync(sessions, oparl)
    assert first.first and first.report.notified == 0
    assert await deliveries(sessions) == []
    async with sessions() as session:
        papers = list((await session.execute(select(Paper))).unique().scalars())
        assert [p.reference for p in papers] == ["2030/001"]  # adopted, no twin
        assert papers[0].oparl_id == sample["paper"]["id"] and papers[0].web
        organizations = {o.name: o for o in (await session.execute(select(Organization))).scalars()}
        assert organizations["Sozialausschuss"].key == "sozialausschuss"  # adopted
        assert organizations["SPD-Fraktion"].oparl_id == sample["spd"]["id"]  # same name
        assert organizations["Kreistag"].key == "kreistag"
        meetings = {m.key: m for m in (await session.execute(select(Meeting))).unique().scalars()}
        assert meetings["sa-2030-03-04"].oparl_id == sample["meeting"]["id"]
        assert "kreistag-2030-03-25" in meetings
        files = list((await session.execute(select(File))).scalars())
        assert [(f.file_name, f.access_url is not None) for f in files] == [
            ("vorlage-2030-001.pdf", True)
        ]
    oparl.store.touch("meeting", sample["meeting"])  # a new `modified`, the same content
    oparl.requests.clear()
    again = await sync(sessions, oparl, now=NOW + timedelta(minutes=5))
    assert again.report.is_empty, again.summary(BERLIN)
    assert not again.deleted and again.report.notified == 0
    assert await deliveries(sessions) == []
    lists = [url for url in oparl.requests if "/body/1/" in url]
    assert lists and all("modified_since=" in url for url in lists)


async def test_new_paper_moved_and_cancelled_meeting_reach_members_once(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    sample = build(oparl.store)
    await sync(sessions, oparl)
    store = oparl.store
    store.tick(600)
    store.add_paper("2030/002", "Pflegebericht", consultations=[(sample["sa"], "Kenntnis", True)])
    store.change(
        "meeting",
        sample["meeting"],
        start=datetime(2030, 3, 5, 15, 0, tzinfo=BERLIN).isoformat(),
        end=datetime(2030, 3, 5, 18, 0, tzinfo=BERLIN).isoformat(),
    )
    store.delete("meeting", sample["later"])
    result = await sync(sessions, oparl, now=NOW + timedelta(minutes=10))
    assert [ref.key for ref in result.report.papers.created] == ["2030/002"]
    assert [c.key for c in result.report.meetings.cancelled] == ["kreistag-2030-03-25"]
    rows = by_chat(await deliveries(sessions))
    anna = {row.kind: row.payload["text"] for row in rows[ANNA]}
    assert anna["paper_new"].startswith("📄 <b>Neue Vorlage 2030/002</b>")
    assert "Pflegebericht" in anna["paper_new"]
    assert anna["meeting_changed"].startswith("✏️ <b>Termin geändert</b>")
    assert "<b>Dienstag, 5. März 2030, 15:00 Uhr</b>" in anna["meeting_changed"]
    assert "meeting_cancelled" in anna
    assert len({row.batch_key for row in rows[ANNA]}) == 1  # one message per member per sync
    sent = len(await deliveries(sessions))
    again = await sync(sessions, oparl, now=NOW + timedelta(minutes=15))
    assert again.report.is_empty, again.report.papers.changed
    assert len(await deliveries(sessions)) == sent


async def linked(sessions: Sessions) -> tuple[set[tuple[str, str | None]], set[tuple[str, Any]]]:
    """(meeting name, Vorlage on its agenda) and (Vorlage, meeting name and day of its step)."""
    async with sessions() as session:
        agendas = (
            await session.execute(
                select(Meeting.name, Paper.reference)
                .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
                .outerjoin(Paper, Paper.id == AgendaItem.paper_id)
            )
        ).all()
        steps = (
            await session.execute(
                select(Paper.reference, Meeting.name, Consultation.date)
                .join(Consultation, Consultation.paper_id == Paper.id)
                .outerjoin(Meeting, Meeting.id == Consultation.meeting_id)
            )
        ).all()
    return {(name, ref) for name, ref in agendas}, {(ref, (name, day)) for ref, name, day in steps}


async def test_an_agenda_and_the_vorlage_it_names_link_up_whichever_is_read_first(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    sample = build(oparl.store)
    store = oparl.store
    # The first sync reads the meetings before the Vorlagen; this consultation does not name
    # its meeting (servers differ): the agenda item's consultation links them.
    first = store.add_paper("2030/010", "Radwegekonzept", consultations=[(sample["sa"], "", False)])
    store.add_meeting(
        sample["sa"],
        "Sitzung Mai",
        datetime(2030, 5, 6, 14, 0, tzinfo=BERLIN),
        agenda=[("1", "Radwegekonzept", first)],
    )
    del first["consultation"][0]["meeting"]
    # A Vorlage that the RIS lists only after the agenda that names it was synced; the meeting
    # is not read again (it has not changed).
    late = store.add_paper("2030/011", "Schulbau", consultations=[(sample["sa"], "", False)])
    store.add_meeting(
        sample["sa"],
        "Sitzung Juni",
        datetime(2030, 6, 3, 14, 0, tzinfo=BERLIN),
        agenda=[("1", "Schulbau", late)],
    )
    del store.objects["paper"][late["id"]]
    await sync(sessions, oparl, now=NOW + timedelta(hours=1))
    agendas, steps = await linked(sessions)
    assert ("Sitzung Mai", "2030/010") in agendas
    assert ("2030/010", ("Sitzung Mai", date(2030, 5, 6))) in steps
    assert ("Sitzung Juni", None) in agendas
    store.tick(2 * 3600)
    store._put("paper", late)
    second = await sync(sessions, oparl, now=NOW + timedelta(hours=2))
    assert [paper.key for paper in second.report.papers.created] == ["2030/011"]
    assert second.report.meetings.changed == []  # the June meeting was not read again
    agendas, steps = await linked(sessions)
    assert ("Sitzung Juni", "2030/011") in agendas and ("Sitzung Juni", None) not in agendas
    assert ("2030/011", ("Sitzung Juni", date(2030, 6, 3))) in steps
    assert [agenda.meeting_key for agenda in second.report.agendas] == []


async def test_deleted_paper_disappears_silently(sessions: Sessions, oparl: LocalOParl) -> None:
    await prepare(sessions)
    sample = build(oparl.store)
    await sync(sessions, oparl)
    oparl.store.tick(600)
    oparl.store.delete("paper", sample["paper"])
    oparl.store.quirks.tombstone_without_type = True
    result = await sync(sessions, oparl, now=NOW + timedelta(minutes=10))
    assert result.deleted == ["paper 2030/001"]
    assert await count(sessions, Paper) == 0
    assert await deliveries(sessions) == []


async def test_quirks_of_real_servers(sessions: Sessions, oparl: LocalOParl) -> None:
    quirks = oparl.store.quirks
    quirks.drop_filter_in_next = quirks.repeat_last_page = True
    quirks.duplicate_across_pages = quirks.na_strings = True
    quirks.single_object_lists = quirks.naive_datetimes = True
    build(oparl.store)
    await sync(sessions, oparl)
    async with sessions() as session:
        meetings = {m.key: m for m in (await session.execute(select(Meeting))).unique().scalars()}
    start = meetings["sozialausschuss-2030-03-04"].start.astimezone(BERLIN)
    assert (start.hour, start.minute) == (14, 0)  # local time without offset
    assert meetings["kreistag-2030-03-25"].location == "Landratsamt"
    assert await count(sessions, Paper) == 1
    quirks.ignore_modified_since = True
    again = await sync(sessions, oparl, now=NOW + timedelta(minutes=5))
    assert again.report.is_empty
    next_pages = [url for url in oparl.requests if "page=2" in url]
    assert next_pages and "modified_since=" in next_pages[-1]  # added where next dropped it


async def test_a_server_that_stays_down_applies_nothing_and_keeps_the_cursor(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    sample = build(oparl.store)
    await sync(sessions, oparl)
    async with sessions() as session:
        cursor = (await session.execute(select(OParlSource))).scalar_one().synced_from
    oparl.store.tick(600)
    oparl.store.add_paper("2030/003", "Haushalt", consultations=[(sample["sa"], "Beratung", True)])
    oparl.store.change("meeting", sample["later"], name="Kreistag (Haushalt)")
    oparl.store.faults.fail_paths = ("meetings",)
    oparl.store.faults.fail_after = 0  # the papers list answers, the meetings list never
    with pytest.raises(ServerDown, match="did not answer"):
        await sync(sessions, oparl, now=NOW + timedelta(minutes=10))
    assert await count(sessions, Paper) == 1  # nothing half-applied
    async with sessions() as session:
        assert (await session.execute(select(OParlSource))).scalar_one().synced_from == cursor
    oparl.store.faults.fail_after = None
    oparl.store.faults.fail, oparl.store.faults.hang = 2, 1  # a 5xx twice, one hang: retried
    result = await sync(sessions, oparl, now=NOW + timedelta(minutes=20))
    assert [ref.key for ref in result.report.papers.created] == ["2030/003"]
    assert [c.key for c in result.report.meetings.changed] == ["kreistag-2030-03-25"]
    assert len(by_chat(await deliveries(sessions))[ANNA]) == 2


async def test_a_sync_runs_with_the_heap_set_aside_and_hands_it_back(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    build(oparl.store)
    frozen: list[int] = []
    before = gc.get_freeze_count()
    await sync_oparl(
        sessions,
        settings=settings(oparl),
        now=NOW,
        progress=lambda _name, _counter: frozen.append(gc.get_freeze_count()),
    )
    assert frozen and min(frozen) > before  # every batch applied with the old heap aside
    assert gc.get_freeze_count() == before


async def test_a_list_that_fails_stops_the_reading_of_the_others(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    sample = build(oparl.store)
    for day in range(1, 25):  # more pages of meetings than are read ahead
        oparl.store.add_meeting(sample["sa"], f"Sitzung {day}", datetime(2030, 9, day, 9, 0))
    oparl.store.faults.fail_paths = ("papers",)
    oparl.store.faults.fail_after = 0
    with pytest.raises(ServerDown):
        await sync(sessions, oparl)
    readers = [t for t in asyncio.all_tasks() if "ReadAhead._read" in repr(t.get_coro())]
    assert readers == []  # the meetings' list is not read on after the sync ended


async def test_several_bodies_need_oparl_body(sessions: Sessions, oparl: LocalOParl) -> None:
    build(oparl.store)
    oparl.store.add_body("Stadt Konstanz")
    with pytest.raises(SyncConfigError, match=r"Landkreis Konstanz .*Stadt Konstanz"):
        await sync(sessions, oparl)
    result = await sync(sessions, oparl, oparl_body="LK Konstanz")
    assert result.body == "Landkreis Konstanz"


async def test_newly_followed_organization_is_synced_silently(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    build(oparl.store)
    await sync(sessions, oparl, oparl_organizations=["Sozialausschuss"])
    assert await count(sessions, Meeting) == 2  # the two imported, none of the Kreistag
    result = await sync(
        sessions,
        oparl,
        now=NOW + timedelta(minutes=5),
        oparl_organizations=["Sozialausschuss", "Kreistag"],
    )
    assert [ref.key for ref in result.report.meetings.created] == []
    assert await count(sessions, Meeting) == 3
    assert await deliveries(sessions) == []
    assert await count(sessions, Delivery) == 0
