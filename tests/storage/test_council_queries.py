"""Council look-ups for the chat and the feeds, on both databases: meetings, agendas, papers,
search. Data comes in through the importer, as in production."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.importer import import_yaml
from storage.models import AgendaItem, File, Meeting, MeetingKind, Paper
from storage.queries.council import (
    meeting_by_key,
    paper_by_reference,
    paper_details,
    past_meetings,
    session_agenda,
    upcoming_meetings,
)
from storage.queries.search import search
from tests.import_samples import BERLIN, GROUP

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)  # 13:00 in Konstanz

DATA = """
organizations:
  - {key: lenkungsgruppe, name: Lenkungsgruppe Sozialstrategie, kind: committee}
  - {key: sozialausschuss, name: Sozialausschuss, kind: committee}
  - {key: kreistag, name: Kreistag, kind: committee}
meetings:
  - {key: sa-past, organization: sozialausschuss, kind: session, name: SA Februar,
     start: 2027-02-01T14:00, public: true}
  - {key: kt-past, organization: kreistag, kind: session, name: KT Februar,
     start: 2027-02-15T15:00, end: 2027-02-15T18:00, public: true}
  - {key: lg-running, organization: lenkungsgruppe, kind: session, name: LG intern,
     start: 2027-03-01T12:30, end: 2027-03-01T14:00, public: false}
  - {key: praes, organization: lenkungsgruppe, kind: presentation, name: Präsentation,
     start: 2027-03-04T10:00, rsvp: true}
  - {key: sa-cancelled, organization: sozialausschuss, kind: session, name: SA abgesagt,
     start: 2027-03-08T14:00, cancelled: true, public: true}
  - key: sa-next
    organization: sozialausschuss
    kind: session
    name: SA März
    start: 2027-03-22T14:00
    public: true
    agenda:
      - {number: "1", name: Bekanntgaben}
      - {number: "2", name: "Vergabe der Prozessbegleitung – Auswahl", paper: "2027/012"}
      - {number: "3", name: "Nichtöffentlich: Personalien", public: false}
  - key: kt-next
    organization: kreistag
    kind: session
    name: KT April
    start: 2027-04-12T15:00
    public: true
    agenda:
      - {number: "5", name: "Vergabe der Prozessbegleitung – Auswahl", paper: "2027/012"}
  - {key: kt-late, organization: kreistag, kind: session, name: KT Nachtsitzung,
     start: 2027-05-10T00:30, public: true}
papers:
  - reference: "2027/012"
    name: "Änderung der Hauptsatzung: 100% _neu_ & Sozialstrategie"
    paper_type: Beschlussvorlage
    date: 2027-02-10
    proposal: "1. Zustimmung.\\n2. Auftrag an die Verwaltung."
    consultations:
      - {organization: sozialausschuss, meeting: sa-next, role: Vorberatung}
      - {organization: kreistag, meeting: kt-next, role: Entscheidung, authoritative: true}
  - reference: "2027/013"
    name: Sozialbericht 2026
    paper_type: Informationsvorlage
    date: 2027-02-20
    summary: Der Bericht zeigt die Änderungen bei der Eingliederungshilfe.
"""

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def data(sessions: Sessions) -> None:
    await import_yaml(sessions, text=DATA, source="q.yaml", tz=BERLIN, group_key=GROUP, now=NOW)


def keys(items: Sequence[object]) -> list[str]:
    return [str(getattr(item, "key", getattr(item, "reference", "?"))) for item in items]


async def test_upcoming_meetings_include_internal_running_and_cancelled_ones(
    data: None, session: AsyncSession
) -> None:
    page = await upcoming_meetings(session, now=NOW, limit=10)
    assert keys(page.items) == [
        "lg-running",
        "praes",
        "sa-cancelled",
        "sa-next",
        "kt-next",
        "kt-late",
    ]
    assert page.total == 6 and not page.has_more and not page.has_previous


async def test_upcoming_meetings_come_in_pages(data: None, session: AsyncSession) -> None:
    second = await upcoming_meetings(session, now=NOW, limit=2, offset=2)
    assert keys(second.items) == ["sa-cancelled", "sa-next"]
    assert second.has_previous and second.has_more
    last = await upcoming_meetings(session, now=NOW, limit=2, offset=4)
    assert keys(last.items) == ["kt-next", "kt-late"]
    assert not last.has_more


async def test_upcoming_meetings_filtered_for_feeds_committees_and_kinds(
    data: None, session: AsyncSession
) -> None:
    public = await upcoming_meetings(session, now=NOW, public_only=True)
    assert keys(public.items) == ["sa-cancelled", "sa-next", "kt-next", "kt-late"]
    kreistag = await upcoming_meetings(session, now=NOW, organization_key="kreistag")
    assert keys(kreistag.items) == ["kt-next", "kt-late"]
    presentations = await upcoming_meetings(session, now=NOW, kind=MeetingKind.PRESENTATION)
    assert keys(presentations.items) == ["praes"]


async def test_past_meetings_latest_first(data: None, session: AsyncSession) -> None:
    page = await past_meetings(session, now=NOW)
    assert keys(page.items) == ["kt-past", "sa-past"]
    assert page.total == 2


async def test_the_next_session_with_its_agenda(data: None, session: AsyncSession) -> None:
    running = await session_agenda(session, now=NOW, tz=BERLIN)
    assert running is not None and running.key == "lg-running"  # in progress still counts
    meeting = await session_agenda(session, now=NOW, tz=BERLIN, organization_key="sozialausschuss")
    assert meeting is not None and meeting.key == "sa-next"  # the cancelled one is skipped
    assert [(item.number, item.public) for item in meeting.agenda_items] == [
        ("1", True),
        ("2", True),
        ("3", False),
    ]
    paper = meeting.agenda_items[1].paper
    assert paper is not None and paper.reference == "2027/012"


async def test_the_session_on_a_day_in_local_time(data: None, session: AsyncSession) -> None:
    cancelled = await session_agenda(session, now=NOW, tz=BERLIN, day=date(2027, 3, 8))
    assert cancelled is not None and cancelled.cancelled
    # 00:30 in Konstanz on 10 May is still 9 May in UTC.
    late = await session_agenda(session, now=NOW, tz=BERLIN, day=date(2027, 5, 10))
    assert late is not None and late.key == "kt-late"
    assert await session_agenda(session, now=NOW, tz=BERLIN, day=date(2027, 5, 9)) is None
    assert await session_agenda(session, now=NOW, tz=BERLIN, day=date(2027, 3, 4)) is None


async def test_a_meeting_by_key_has_its_agenda(data: None, session: AsyncSession) -> None:
    meeting = await meeting_by_key(session, key="kt-next")
    assert meeting is not None and meeting.organization.key == "kreistag"
    assert [item.number for item in meeting.agenda_items] == ["5"]
    assert await meeting_by_key(session, key="nope") is None


async def test_a_paper_with_beratungsfolge_files_and_agenda(
    data: None, session: AsyncSession
) -> None:
    paper_id = (
        await session.execute(select(Paper.id).where(Paper.reference == "2027/012"))
    ).scalar_one()
    session.add(
        File(
            paper_id=paper_id,
            file_name="Vorlage 2027-012.pdf",
            mime_type="application/pdf",
            size=3,
            sha256="0" * 64,
            content=b"pdf",
            created_at=NOW,
        )
    )
    await session.commit()
    session.expunge_all()

    details = await paper_details(session, reference=" 2027/012 ")

    assert details is not None
    consultations = details.paper.consultations
    assert [(c.organization.key, c.role, c.authoritative) for c in consultations] == [
        ("sozialausschuss", "Vorberatung", False),
        ("kreistag", "Entscheidung", True),
    ]
    assert [c.date for c in consultations] == [date(2027, 3, 22), date(2027, 4, 12)]
    meetings = [details.meeting_of(c) for c in consultations]
    assert [m.key if m else None for m in meetings] == ["sa-next", "kt-next"]
    assert [(i.meeting.key, i.number) for i in details.agenda_items] == [
        ("sa-next", "2"),
        ("kt-next", "5"),
    ]
    assert [f.file_name for f in details.paper.files] == ["Vorlage 2027-012.pdf"]
    assert await paper_by_reference(session, reference="2099/1") is None
    assert await paper_details(session, reference="2099/1") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("änderung", ["2027/013", "2027/012"]),  # summary and title; newest first
        ("ÄNDERUNG hauptsatzung", ["2027/012"]),  # every word, any case, umlauts too
        ("aenderung HAUPTSATZUNG", ["2027/012"]),  # ae for ä
        ("haupt\u00adsatzung", ["2027/012"]),  # a soft hyphen in the search is ignored
        ("2027/013", ["2027/013"]),
        ("100%", ["2027/012"]),  # % and _ are searched for literally
        ("_neu_", ["2027/012"]),
        ("eingliederung", ["2027/013"]),
        ("auftrag verwaltung", ["2027/012"]),  # the Beschlussvorschlag
        ("personalien", ["agenda:sa-next:3"]),
        ("prozessbegleitung", ["agenda:kt-next:5", "agenda:sa-next:2"]),  # latest meeting first
        ("nichts dergleichen", []),
        ("   ", []),
    ],
)
async def test_search_papers_and_agenda_items(
    data: None, session: AsyncSession, text: str, expected: list[str]
) -> None:
    page = await search(session, text=text)
    found = [
        f"agenda:{hit.meeting.key}:{hit.number}"
        if isinstance(hit, AgendaItem)
        else f"meeting:{hit.key}"
        if isinstance(hit, Meeting)
        else hit.reference
        for hit in page.items
    ]
    assert found == expected
    assert page.total == len(expected)


async def test_search_pages_run_from_papers_into_agenda_items(
    data: None, session: AsyncSession
) -> None:
    first = await search(session, text="a", limit=2)
    everything = await search(session, text="a", limit=50)
    second = await search(session, text="a", limit=2, offset=2)
    assert first.total == everything.total == second.total > 4
    assert [type(hit) for hit in first.items] == [Paper, Paper]
    assert second.items == everything.items[2:4]
    assert isinstance(second.items[0], Meeting | AgendaItem)
