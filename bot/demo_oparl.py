"""`gremienbot demo --oparl`: the demo with a synced body from a local OParl server.

The local OParl 1.1 server (bot/localoparl, also used by the tests and the benchmark) serves
the sample body (the Sozialausschuss and Kreistag sessions of the sample data, which the first
sync adopts); after that first, silent sync a new Vorlage appears on the server, and the running
bot's interval sync brings it to the members within a few seconds.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.localoparl.server import LocalOParl
from bot.services.oparl import sync_oparl
from storage.engine import create_engine, create_session_factory

BERLIN = ZoneInfo("Europe/Berlin")
DEMO_INTERVAL = 5  # seconds between syncs in the demo


@contextlib.asynccontextmanager
async def synced_body(database_url: str) -> AsyncIterator[dict[str, Any]]:
    """Serve the sample body, run the first (silent) sync, then publish a new Vorlage; yields
    the settings that make the bot follow the server."""
    async with LocalOParl() as oparl:
        store = oparl.store
        store.clock = datetime.now(UTC)
        store.add_body("Landkreis Konstanz")
        sa = store.add_organization("Sozialausschuss")
        kt = store.add_organization("Kreistag", classification="Hauptorgan")
        session = store.add_meeting(
            sa, "Sitzung des Sozialausschusses", datetime(2027, 3, 22, 14, 0, tzinfo=BERLIN)
        )
        store.add_meeting(kt, "Sitzung des Kreistags", datetime(2027, 4, 12, 15, 0, tzinfo=BERLIN))
        settings = Settings(_env_file=None, database_url=database_url, oparl_url=oparl.system_url)
        engine = create_engine(database_url)
        try:
            await sync_oparl(create_session_factory(engine), settings=settings)
        finally:
            await engine.dispose()
        store.clock = datetime.now(UTC)
        pdf = store.add_file("2027-030 Pflegebedarfsplanung.pdf", b"%PDF-1.4 Drucksache 2027/030")
        paper = store.add_paper(
            "2027/030",
            "Kreispflegeplanung 2027: Pflegebedarfsplanung für den Landkreis",
            date=datetime.now(BERLIN).date().isoformat(),
            consultations=[(sa, "Vorberatung", False), (kt, "Entscheidung", True)],
            files=[pdf],
        )
        store.add_agenda_item(session, "4", paper["name"], paper, touch=True)
        yield {"oparl_url": oparl.system_url, "oparl_interval": DEMO_INTERVAL}
