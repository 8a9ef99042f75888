"""The OParl sync applies a list batch by batch and writes a batch's new rows while it builds the
next (bot/services/oparl/writes.py): what one batch made is known to the next although it may
not be written yet, and a write that fails fails the sync, with nothing applied. Over real HTTP
against the local OParl server, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.localoparl.sample import BERLIN, build
from bot.localoparl.server import LocalOParl
from bot.services.oparl import OParlClient, SyncResult, service, sync_oparl
from storage.models import Meeting, OParlSource, Paper
from storage.queries import oparl_bulk
from tests.notice_samples import NOW

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def oparl(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[LocalOParl]:
    # Each page of two objects is a batch of its own.
    monkeypatch.setattr(service, "BATCH", 2)
    async with LocalOParl() as server:
        server.store.page_size = 2
        server.store.clock = NOW
        yield server


async def sync(sessions: Sessions, oparl: LocalOParl) -> SyncResult:
    settings = Settings(
        _env_file=None, timezone="Europe/Berlin", oparl_url=oparl.system_url, oparl_timeout=2
    )
    client = OParlClient(timeout=2, backoff=0.01, max_backoff=0.05)
    try:
        return await sync_oparl(sessions, settings=settings, now=NOW, client=client)
    finally:
        await client.close()


async def test_what_one_batch_makes_the_next_batch_knows(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    store = oparl.store
    sample = build(store)
    committee = sample["sa"]
    # The Vorlagen's second page names the reference of a new Vorlage on the first page.
    store.tick()
    store.add_paper("2030/050", "Radwegekonzept", consultations=[(committee, "", False)])
    store.tick()
    store.add_paper("2030/051", "Schulbau", consultations=[(committee, "", False)])
    store.tick()
    twin = store.add_paper(
        "2030/050", "Radwegekonzept (Doppel)", consultations=[(committee, "", False)]
    )
    # The meetings' second and third pages each hold a committee meeting on 6 May 2030.
    store.tick()
    store.add_meeting(
        committee, "Sondersitzung am Morgen", datetime(2030, 5, 6, 9, 0, tzinfo=BERLIN)
    )
    store.tick()
    store.add_meeting(sample["kt"], "Sitzung im Mai", datetime(2030, 5, 20, 15, 0, tzinfo=BERLIN))
    store.tick()
    store.add_meeting(
        committee, "Sondersitzung am Abend", datetime(2030, 5, 6, 18, 0, tzinfo=BERLIN)
    )

    result = await sync(sessions, oparl)

    assert result.skipped == [twin["id"]]  # another RIS object has this reference
    async with sessions() as session:
        rows = await session.execute(select(Paper.reference, Paper.name))
        papers = {reference: name for reference, name in rows}
        meetings = {
            name: key for name, key in await session.execute(select(Meeting.name, Meeting.key))
        }
    assert papers == {
        "2030/001": "Sozialstrategie & Co",
        "2030/050": "Radwegekonzept",
        "2030/051": "Schulbau",
    }
    morning, evening = meetings["Sondersitzung am Morgen"], meetings["Sondersitzung am Abend"]
    assert morning.startswith("sozialausschuss-2030-05-06") and evening != morning
    assert evening.startswith("sozialausschuss-2030-05-06")


async def test_a_write_that_fails_fails_the_sync_and_applies_nothing(
    sessions: Sessions, oparl: LocalOParl, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(oparl.store)
    for number in range(6):
        oparl.store.tick()
        oparl.store.add_paper(f"2030/{number + 100}", f"Vorlage {number}")
    written = oparl_bulk.insert_rows

    async def failing(session: AsyncSession, *, table: str, **rows: object) -> None:
        if table == "consultations":
            raise ConnectionError("the database went away")
        await written(session, table=table, **rows)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.services.oparl.state.insert_rows", failing)
    with pytest.raises(ConnectionError, match="went away"):
        await sync(sessions, oparl)
    async with sessions() as session:
        for model in (Paper, Meeting, OParlSource):
            count = select(func.count()).select_from(model)
            assert (await session.execute(count)).scalar_one() == 0
