"""The benchmark's body on the local OParl server: 10 committees, 2,000 meetings with 10 agenda
items each (20,000), 10,000 papers with two consultations each; every consultation is on an
agenda item."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.localoparl.store import JsonDict, OParlStore

BERLIN = ZoneInfo("Europe/Berlin")


def build(store: OParlStore, *, papers: int, meetings: int, items_per_meeting: int) -> None:
    store.add_body("Landkreis Benchmark")
    committees = [store.add_organization(f"Ausschuss {n}") for n in range(1, 11)]
    store.add_organization("SPD-Fraktion", organization_type="Fraktion", classification="Fraktion")
    first = datetime(2020, 1, 6, 14, 0, tzinfo=BERLIN)
    meeting_rows: list[JsonDict] = []
    for number in range(meetings):
        committee = committees[number % len(committees)]
        start = first + timedelta(days=number * 2, hours=number % 3)
        meeting_rows.append(
            store.add_meeting(committee, f"Sitzung {committee['name']} Nr. {number}", start)
        )
    slots = [(m, n) for m in meeting_rows for n in range(items_per_meeting)]
    for number in range(papers):
        first_slot, second_slot = (
            slots[(2 * number) % len(slots)],
            slots[(2 * number + 1) % len(slots)],
        )
        consultations = []
        for meeting, _ in (first_slot, second_slot):
            committee = store.objects["organization"][meeting["organization"][0]]
            consultations.append((committee, "Vorberatung", False))
        paper = store.add_paper(
            f"{2020 + number // 2000}/{number % 2000 + 1:04d}",
            f"Vorlage Nummer {number}: Beschluss über eine Maßnahme der Verwaltung",
            consultations=consultations,
        )
        for (meeting, position), consultation in zip(
            (first_slot, second_slot), paper["consultation"], strict=True
        ):
            item: JsonDict = {
                "id": store.url(
                    f"agendaitem/{number}-{position}-{meeting['id'].rsplit('/', 1)[-1]}"
                ),
                "type": "https://schema.oparl.org/1.1/AgendaItem",
                "meeting": meeting["id"],
                "number": str(position + 1),
                "order": position + 1,
                "name": paper["name"],
                "public": True,
                "consultation": consultation["id"],
            }
            consultation["meeting"] = meeting["id"]
            meeting["agendaItem"].append(item)
    for meeting in meeting_rows:  # fill the remaining slots with items without a paper
        while len(meeting["agendaItem"]) < items_per_meeting:
            position = len(meeting["agendaItem"])
            meeting["agendaItem"].append(
                {
                    "id": store.url(f"agendaitem/x-{position}-{meeting['id'].rsplit('/', 1)[-1]}"),
                    "type": "https://schema.oparl.org/1.1/AgendaItem",
                    "meeting": meeting["id"],
                    "number": str(position + 1),
                    "order": position + 1,
                    "name": "Verschiedenes",
                    "public": True,
                }
            )


def serve(sock: socket.socket, sizes: dict[str, int], page_size: int, clock: datetime) -> None:
    """Run the server with the benchmark's body (in a process of its own)."""
    import uvicorn

    from bot.localoparl.server import OParlApp
    from bot.localoparl.store import OParlStore

    port = sock.getsockname()[1]
    store = OParlStore(base=f"http://127.0.0.1:{port}/oparl/v1", page_size=page_size, clock=clock)
    build(store, **sizes)
    config = uvicorn.Config(OParlApp(store).app, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
