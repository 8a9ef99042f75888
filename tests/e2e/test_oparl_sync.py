"""The running bot's interval sync with a local OParl server: the first sync tells no one; a new
Vorlage, a moved and a cancelled meeting reach a member once, in one message; an unchanged sync
after that tells no one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.localoparl.sample import BERLIN
from bot.localoparl.server import LocalOParl
from storage.models import OParlSource
from tests.e2e.conftest import StartBot
from tests.services.delivery.support import received, wait_until_settled

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
ANNA = 1003


@pytest.fixture
async def oparl() -> AsyncIterator[LocalOParl]:
    async with LocalOParl() as server:
        server.store.clock = datetime.now(UTC)
        yield server


async def synced_after(
    sessions: Sessions,
    moment: datetime | None,
    timeout: float = 30,  # noqa: ASYNC109
) -> datetime:
    """Wait until a sync that started after `moment` was applied; its start."""
    deadline = time.monotonic() + timeout
    while True:
        async with sessions() as session:
            source = (await session.execute(select(OParlSource))).scalar_one_or_none()
        synced = source.synced_from if source is not None else None
        if synced is not None and (moment is None or synced > moment):
            return synced
        if time.monotonic() > deadline:
            raise AssertionError(f"no sync applied within {timeout} s")
        await asyncio.sleep(0.1)


async def test_interval_sync_tells_members_once(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions, oparl: LocalOParl
) -> None:
    store = oparl.store
    store.add_body("Landkreis Konstanz")
    sa = store.add_organization("Sozialausschuss")
    kt = store.add_organization("Kreistag")
    meeting = store.add_meeting(
        sa, "Sitzung des Sozialausschusses", datetime(2027, 3, 22, 14, 0, tzinfo=BERLIN)
    )
    kreistag = store.add_meeting(
        kt, "Sitzung des Kreistags", datetime(2027, 4, 12, 15, 0, tzinfo=BERLIN)
    )
    await start_bot(oparl_url=oparl.system_url, oparl_interval=1, oparl_timeout=2)
    api.user(ANNA, "Anna")
    first = await synced_after(sessions, None)
    await wait_until_settled(sessions)
    await api.settle()
    assert received(api, ANNA) == []  # the first sync tells no one

    store.clock = datetime.now(UTC)
    pdf = store.add_file("2027-099 Pflegebedarfsplanung.pdf", b"%PDF-1.4 Drucksache 2027/099")
    store.add_paper(
        "2027/099",
        "Pflegebedarfsplanung",
        consultations=[(sa, "Vorberatung", False)],
        files=[pdf],
    )
    store.change(
        "meeting",
        meeting,
        start=datetime(2027, 3, 23, 15, 0, tzinfo=BERLIN).isoformat(),
        end=datetime(2027, 3, 23, 18, 0, tzinfo=BERLIN).isoformat(),
    )
    store.delete("meeting", kreistag)
    second = await synced_after(sessions, first)
    await wait_until_settled(sessions)
    await api.settle()
    [message] = received(api, ANNA)
    assert "📄 Neue Vorlage 2027/099\nPflegebedarfsplanung" in message.text
    assert "✏️ Termin geändert\nSitzung des Sozialausschusses" in message.text
    assert "Dienstag, 23. März 2027, 15:00 Uhr" in message.text
    assert "Kreistag" in message.text and "abgesagt" in message.text.lower()

    await synced_after(sessions, second)  # an unchanged sync: nobody is told again
    await wait_until_settled(sessions)
    await api.settle()
    assert len(received(api, ANNA)) == 1

    # The synced Vorlage links to the RIS; its document is fetched only when it is tapped.
    downloads = [url for url in oparl.requests if url.endswith("/download")]
    assert downloads == []
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/vorlage 2027/099")
    buttons = [
        b
        for r in replies
        if r.reply_markup
        for row in r.reply_markup["inline_keyboard"]
        for b in row
    ]
    web = next(
        p["web"] for p in store.objects["paper"].values() if p.get("reference") == "2027/099"
    )
    assert {"text": "🌐 Im Ratsinformationssystem öffnen", "url": web} in buttons
    replies = await anna.press("📎 2027-099 Pflegebedarfsplanung.pdf")
    document = replies[-1].document
    assert document is not None and document.data == b"%PDF-1.4 Drucksache 2027/099"
    assert len([url for url in oparl.requests if url.endswith("/download")]) == 1
