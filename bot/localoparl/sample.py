"""A small council body on the local OParl server for the sync tests (no tests here).

Its Sozialausschuss meeting on 4 March 2030, 14:00, and Vorlage 2030/001 are the ones the
notice samples import (tests/notice_samples.py): the first sync adopts them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.localoparl.store import OParlStore

BERLIN = ZoneInfo("Europe/Berlin")


def build(store: OParlStore) -> dict[str, Any]:
    store.add_body("Landkreis Konstanz", "LK Konstanz")
    sa = store.add_organization("Sozialausschuss")
    kt = store.add_organization("Kreistag", classification="Hauptorgan")
    spd = store.add_organization(
        "Fraktion der SPD", organization_type="Fraktion", classification="Fraktion"
    )
    dez = store.add_organization(
        "Dezernat für Soziales", organization_type="Verwaltungsbereich", classification="Dezernat"
    )
    pdf = store.add_file("vorlage-2030-001.pdf", b"%PDF-1.4 sample")
    paper = store.add_paper(
        "2030/001",
        "Sozialstrategie & Co",
        date="2030-01-05",
        consultations=[(sa, "Vorberatung", False), (kt, "Entscheidung", True)],
        originator=dez,
        files=[pdf],
    )
    meeting = store.add_meeting(
        sa,
        "Sitzung des Sozialausschusses",
        datetime(2030, 3, 4, 14, 0, tzinfo=BERLIN),
        agenda=[("1", "Bekanntgaben", None), ("2", "Sozialstrategie", paper)],
    )
    later = store.add_meeting(
        kt, "Sitzung des Kreistags", datetime(2030, 3, 25, 15, 0, tzinfo=BERLIN)
    )
    return {
        "sa": sa,
        "kt": kt,
        "spd": spd,
        "dez": dez,
        "paper": paper,
        "meeting": meeting,
        "later": later,
    }
