"""The council administration services on both databases: rights, validation, what is stored,
the audit entries, SEQUENCE and the change reports in the importer's dataclasses."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import undefer

from bot.cli.common import strip_html
from bot.errors import NotAllowed, UserError
from bot.services.council_admin import (
    UNCHANGED,
    attach_file,
    cancel_meeting,
    create_meeting,
    move_meeting,
    publish_paper,
)
from bot.services.importer import EntityChange, FieldChange, ImportReport, import_yaml
from bot.views.audit import entry_text
from storage.models import (
    AuditEntry,
    File,
    Meeting,
    MeetingKind,
    Organization,
    OrganizationKind,
    Paper,
    Person,
)

Sessions = async_sessionmaker[AsyncSession]
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2021, 6, 1, 8, 0, tzinfo=UTC)
JULY_5_14H = datetime(2021, 7, 5, 12, 0, tzinfo=UTC)  # 14:00 in Berlin
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
async def people(sessions: Sessions) -> dict[str, Person]:
    async with sessions.begin() as session:
        session.add_all(
            [
                Organization(key="sozialausschuss", name="Sozialausschuss", kind="committee"),
                Organization(key="spd", name="SPD-Fraktion", kind=OrganizationKind.FACTION),
                Organization(
                    key="dezernat-soziales",
                    name="Dezernat für Soziales und Gesundheit",
                    kind=OrganizationKind.DEPARTMENT,
                ),
            ]
        )
        admin, member = Person(name="Bernd Verwaltung", is_admin=True), Person(name="Anna")
        session.add_all([admin, member])
    return {"admin": admin, "member": member}


async def create(sessions: Sessions, actor: Person | None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "organization_key": "sozialausschuss",
        "kind": MeetingKind.SESSION,
        "name": "Sitzung des Sozialausschusses",
        "start": JULY_5_14H,
        "end": JULY_5_14H + timedelta(hours=3),
        "location": "Landratsamt Konstanz",
        "public": True,
        "rsvp": False,
        "now": NOW,
        "tz": BERLIN,
    }
    values.update(overrides)
    async with sessions.begin() as session:
        return await create_meeting(session, actor=actor, **values)


async def count(sessions: Sessions, model: Any) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def audit_details(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        entries = (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()
        # As the Änderungsverlauf shows them, in English.
        return [
            f"{entry.action}: {strip_html(entry_text(entry, 'en', BERLIN))}" for entry in entries
        ]


async def test_created_meetings_get_readable_unique_keys_and_a_report(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    first = await create(sessions, people["admin"])
    second = await create(sessions, people["admin"], name="Zweite Sitzung", location="  ")
    assert first.item.key == "sozialausschuss-2021-07-05-1"
    assert second.item.key == "sozialausschuss-2021-07-05-2"
    async with sessions() as session:
        stored = await session.get(Meeting, first.item.id)
        assert stored is not None
        assert (stored.start, stored.end) == (JULY_5_14H, JULY_5_14H + timedelta(hours=3))
        assert (stored.sequence, stored.cancelled, stored.public) == (0, False, True)
        assert (await session.get(Meeting, second.item.id)).location is None  # type: ignore[union-attr]
    report = first.report
    assert isinstance(report, ImportReport) and report.source == "chat"
    assert [(ref.kind, ref.key, ref.name) for ref in report.meetings.created] == [
        ("meeting", "sozialausschuss-2021-07-05-1", "Sitzung des Sozialausschusses")
    ]
    assert (await audit_details(sessions))[0] == (
        "create_meeting: created the meeting “Sitzung des Sozialausschusses” (05/07/2021, 14:00)"
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"organization_key": "spd"}, "Das Gremium „spd“ gibt es nicht."),
        ({"organization_key": "nope"}, "Das Gremium „nope“ gibt es nicht."),
        ({"name": "   "}, "Bitte geben Sie einen Titel ein."),
        ({"name": "x" * 256}, "Der Titel ist zu lang (höchstens 255 Zeichen)."),
        ({"start": NOW - timedelta(days=1), "end": None}, "Dieser Zeitpunkt liegt in der"),
        ({"end": JULY_5_14H}, "Das Ende muss nach dem Beginn liegen."),
    ],
)
async def test_bad_meetings_are_refused_and_nothing_is_stored(
    sessions: Sessions, people: dict[str, Person], overrides: dict[str, Any], expected: str
) -> None:
    with pytest.raises(UserError) as error:
        await create(sessions, people["admin"], **overrides)
    assert error.value.render("de").startswith(expected)
    assert await count(sessions, Meeting) == 0
    assert await count(sessions, AuditEntry) == 0


async def test_members_may_not_administer_council_data(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    member = people["member"]
    with pytest.raises(NotAllowed):
        await create(sessions, member)
    meeting = (await create(sessions, people["admin"])).item
    async with sessions.begin() as session:
        with pytest.raises(NotAllowed):
            await move_meeting(
                session, actor=member, meeting_id=meeting.id, start=JULY_5_14H, end=None,
                now=NOW, tz=BERLIN,
            )  # fmt: skip
        with pytest.raises(NotAllowed):
            await cancel_meeting(session, actor=member, meeting_id=meeting.id, now=NOW, tz=BERLIN)
        with pytest.raises(NotAllowed):
            await publish_paper(
                session, actor=member, reference="2021/144", name="X", paper_type="Antrag",
                date=None, originator_key=None, proposal=None, now=NOW,
            )  # fmt: skip
    assert await count(sessions, Paper) == 0
    assert await count(sessions, AuditEntry) == 1  # the administrator's creation only


async def test_moving_raises_the_sequence_and_reports_old_and_new_values(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    meeting = (await create(sessions, people["admin"])).item
    later = JULY_5_14H + timedelta(days=7)
    async with sessions.begin() as session:
        moved = await move_meeting(
            session, actor=people["admin"], meeting_id=meeting.id, start=later,
            end=later + timedelta(hours=2), location=UNCHANGED, now=NOW, tz=BERLIN,
        )  # fmt: skip
    change = moved.report.meetings.changed[0]
    assert isinstance(change, EntityChange) and change.key == meeting.key
    assert change.changes == (
        FieldChange("start", JULY_5_14H, later),
        FieldChange("end", JULY_5_14H + timedelta(hours=3), later + timedelta(hours=2)),
    )
    async with sessions() as session:
        stored = await session.get(Meeting, meeting.id)
        assert stored is not None
        assert (stored.start, stored.sequence, stored.key) == (later, 1, meeting.key)
        assert stored.location == "Landratsamt Konstanz"
    assert (await audit_details(sessions))[-1] == (
        "move_meeting: moved the meeting “Sitzung des Sozialausschusses”: "
        "start 05/07/2021, 14:00 → 12/07/2021, 14:00; "
        "end 05/07/2021, 17:00 → 12/07/2021, 16:00"
    )
    async with sessions.begin() as session:
        with pytest.raises(UserError) as error:
            await move_meeting(
                session, actor=people["admin"], meeting_id=meeting.id, start=later,
                end=later + timedelta(hours=2), now=NOW, tz=BERLIN,
            )  # fmt: skip
    assert error.value.render("de").startswith("Zeit und Ort sind unverändert")
    async with sessions.begin() as session:
        placed = await move_meeting(
            session, actor=people["admin"], meeting_id=meeting.id, start=later,
            end=later + timedelta(hours=2), location="Kreishaus", now=NOW, tz=BERLIN,
        )  # fmt: skip
    assert placed.report.meetings.changed[0].changes == (
        FieldChange("location", "Landratsamt Konstanz", "Kreishaus"),
    )
    assert placed.item.sequence == 2


async def test_cancelling_keeps_the_meeting_and_cannot_be_repeated(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    meeting = (await create(sessions, people["admin"])).item
    async with sessions.begin() as session:
        cancelled = await cancel_meeting(
            session, actor=people["admin"], meeting_id=meeting.id, now=NOW, tz=BERLIN
        )
    assert cancelled.report.meetings.cancelled[0].changes == (
        FieldChange("cancelled", False, True),
    )
    assert not cancelled.report.meetings.changed
    async with sessions() as session:
        stored = await session.get(Meeting, meeting.id)
        assert stored is not None and stored.cancelled and stored.sequence == 1
    for action in ("cancel", "move"):
        async with sessions.begin() as session:
            with pytest.raises(UserError) as error:
                if action == "cancel":
                    await cancel_meeting(
                        session, actor=people["admin"], meeting_id=meeting.id, now=NOW, tz=BERLIN
                    )
                else:
                    await move_meeting(
                        session, actor=people["admin"], meeting_id=meeting.id,
                        start=JULY_5_14H + timedelta(days=1), end=None, now=NOW, tz=BERLIN,
                    )  # fmt: skip
        assert "ist abgesagt und lässt sich nicht mehr ändern" in error.value.render("de")
    async with sessions.begin() as session:
        with pytest.raises(UserError) as error:
            await cancel_meeting(session, actor=people["admin"], meeting_id=999, now=NOW, tz=BERLIN)
    assert error.value.render("de") == "Diesen Termin gibt es nicht (mehr)."
    async with sessions() as session:
        assert (await session.get(Meeting, meeting.id)).sequence == 1  # type: ignore[union-attr]


async def test_a_chat_move_counts_like_an_import_change(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    text = (
        "meetings:\n"
        "  - {key: sa-2021-07-05, organization: sozialausschuss, kind: session,\n"
        "     name: Sitzung, start: '2021-07-05T14:00', location: Landratsamt}\n"
    )
    await import_yaml(sessions, text=text, source="a.yaml", tz=BERLIN, group_key="x", now=NOW)
    async with sessions() as session:
        imported = (await session.execute(select(Meeting))).scalar_one()
    async with sessions.begin() as session:
        await move_meeting(
            session, actor=people["admin"], meeting_id=imported.id,
            start=JULY_5_14H + timedelta(hours=1), end=None, now=NOW, tz=BERLIN,
        )  # fmt: skip
    moved_again = text.replace("14:00", "16:00")
    report = await import_yaml(
        sessions, text=moved_again, source="a.yaml", tz=BERLIN, group_key="x", now=NOW
    )
    assert report.meetings.changed[0].fields == ["start"]
    async with sessions() as session:
        assert (await session.get(Meeting, imported.id)).sequence == 2  # type: ignore[union-attr]


async def publish(sessions: Sessions, actor: Person | None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "reference": "2021/144",
        "name": "Entwicklung einer Sozialstrategie; Bildung einer Lenkungsgruppe",
        "paper_type": "Beschlussvorlage",
        "date": date(2021, 6, 2),
        "originator_key": "dezernat-soziales",
        "proposal": "1. Der Bildung wird zugestimmt.\n2. Die Verwaltung wird beauftragt.",
        "now": NOW,
    }
    values.update(overrides)
    async with sessions.begin() as session:
        return await publish_paper(session, actor=actor, **values)


async def test_publishing_a_paper_and_refusing_its_reference_twice(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    published = await publish(sessions, people["admin"])
    assert [ref.key for ref in published.report.papers.created] == ["2021/144"]
    async with sessions() as session:
        paper = (await session.execute(select(Paper))).unique().scalar_one()
        assert paper.originator is not None and paper.originator.key == "dezernat-soziales"
        assert (
            paper.proposal == "1. Der Bildung wird zugestimmt.\n2. Die Verwaltung wird beauftragt."
        )
        assert paper.date == date(2021, 6, 2)
    with pytest.raises(UserError) as error:
        await publish(sessions, people["admin"], reference=" 2021/144 ")
    assert error.value.render("de") == "Die Vorlage 2021/144 gibt es schon."
    for overrides, expected in [
        ({"reference": "2021 144"}, "„2021 144“ ist keine gültige Drucksachen-Nr."),
        ({"reference": "2021/145", "originator_key": "spd"}, "Den Verwaltungsbereich „spd“"),
        ({"reference": "2021/145", "name": ""}, "Bitte geben Sie einen Titel ein."),
    ]:
        with pytest.raises(UserError) as error:
            await publish(sessions, people["admin"], **overrides)
        assert error.value.render("de").startswith(expected)
    assert await count(sessions, Paper) == 1
    assert (await audit_details(sessions)) == [
        "publish_paper: published the proposal 2021/144 "
        "(Entwicklung einer Sozialstrategie; Bildung einer Lenkungsgruppe)"
    ]


async def attach(sessions: Sessions, actor: Person, paper_id: int, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "file_name": "2021-144 Vorlage.pdf",
        "mime_type": "application/pdf",
        "content": PDF,
        "now": NOW,
    }
    values.update(overrides)
    async with sessions.begin() as session:
        return await attach_file(session, actor=actor, paper_id=paper_id, **values)


async def test_documents_are_stored_with_size_and_hash(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    paper = (await publish(sessions, people["admin"])).item
    attached = await attach(sessions, people["admin"], paper.id)
    assert attached.report.papers.changed[0].changes == (
        FieldChange("file", None, "2021-144 Vorlage.pdf"),
    )
    word = await attach(
        sessions, people["admin"], paper.id, file_name="../Anlage.DOCX",
        mime_type="application/octet-stream", content=DOCX,
    )  # fmt: skip
    nameless = await attach(sessions, people["admin"], paper.id, file_name=None, content=PDF + b"2")
    async with sessions() as session:
        query = select(File).options(undefer(File.content)).order_by(File.id)
        files = (await session.execute(query)).scalars().all()
        assert [(f.file_name, f.mime_type, f.size) for f in files] == [
            ("2021-144 Vorlage.pdf", "application/pdf", len(PDF)),
            ("Anlage.DOCX", DOCX_MIME, len(DOCX)),
            ("2021-144.pdf", "application/pdf", len(PDF) + 1),
        ]
        assert files[0].sha256 == hashlib.sha256(PDF).hexdigest()
        assert files[0].content == PDF
    assert (word.item.id, nameless.item.id) == (files[1].id, files[2].id)
    assert (await audit_details(sessions))[1] == (
        "attach_file: attached “2021-144 Vorlage.pdf” to the proposal 2021/144"
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"file_name": "notes.txt", "mime_type": "text/plain"}, "„notes.txt“ ist weder ein PDF-"),
        ({"file_name": "bild", "mime_type": "image/png"}, "„bild“ ist weder ein PDF-"),
        ({"mime_type": "application/msword"}, "Bei „2021-144 Vorlage.pdf“ passen Dateiendung"),
        ({"content": b"<html>not a pdf</html>"}, "„2021-144 Vorlage.pdf“ ist kein gültiges PDF"),
        ({"content": b""}, "„2021-144 Vorlage.pdf“ ist leer."),
        ({"content": PDF + b"x" * (20 * 1024 * 1024)}, "„2021-144 Vorlage.pdf“ ist größer als 20"),
        ({"content": PDF}, "„2021-144 Vorlage.pdf“ ist an die Vorlage 2021/144 schon"),
    ],
)
async def test_other_files_broken_files_and_huge_files_are_refused(
    sessions: Sessions, people: dict[str, Person], overrides: dict[str, Any], expected: str
) -> None:
    paper = (await publish(sessions, people["admin"])).item
    if overrides.get("content") == PDF:
        await attach(sessions, people["admin"], paper.id)  # the same document once already
    before = await count(sessions, File), await count(sessions, AuditEntry)
    with pytest.raises(UserError) as error:
        await attach(sessions, people["admin"], paper.id, **overrides)
    assert error.value.render("de").startswith(expected)
    assert (await count(sessions, File), await count(sessions, AuditEntry)) == before


async def test_the_notification_hook_runs_in_the_transaction_with_the_report(
    sessions: Sessions, people: dict[str, Person]
) -> None:
    seen: list[ImportReport] = []

    async def notifier(session: AsyncSession, report: ImportReport) -> int:
        seen.append(report)
        assert (await session.execute(select(func.count()).select_from(Meeting))).scalar_one()
        return 3

    created = await create(sessions, people["admin"], notifier=notifier)
    assert seen == [created.report] and created.report.notified == 3
