"""A meeting synced from the council's information system, end to end (issue 14, point 3):
/termin_verschieben refuses it with where to change it; /termin_bearbeiten offers only the
local fields and turns attendance requests on; its documents are buttons in the meeting view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from storage.models import File, Meeting, MeetingKind, Paper
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot

Sessions = async_sessionmaker[AsyncSession]
MAY_6_2031_16H = datetime(2031, 5, 6, 14, tzinfo=UTC)  # 16:00 in Berlin
WEB = "https://ris.example/si0057?SILFDNR=17"


async def test_a_synced_meeting_keeps_ris_fields_and_takes_rsvp_in_the_chat(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: Sessions,
    group: dict[str, int],
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    async with sessions.begin() as session:
        meeting = Meeting(
            key="lg-2031-05-06",
            organization_id=group["lenkungsgruppe"],
            kind=MeetingKind.SESSION,
            name="Sitzung der Lenkungsgruppe",
            start=MAY_6_2031_16H,
            end=MAY_6_2031_16H + timedelta(hours=2),
            location="Landratsamt, Raum 1",
            public=True,
            oparl_id="https://ris.example/oparl/meeting/17",
            web=WEB,
        )
        session.add(meeting)
        await session.flush()
        session.add(
            File(
                meeting_id=meeting.id,
                role="invitation",
                file_name="einladung.pdf",
                mime_type="application/pdf",
                size=0,
                sha256="",
                content=b"%PDF-1.4 invitation",
                created_at=MAY_6_2031_16H - timedelta(days=14),
                oparl_id="https://ris.example/oparl/file/5",
            )
        )
    await start_bot()
    admin = api.user(500, "Martin")

    await admin.send("/termin_verschieben")
    replies = await admin.press("Sitzung der Lenkungsgruppe")
    refusal = admin.callback_answers[-1].text or ""
    assert refusal.startswith(
        f"Im Ratsinformationssystem ändern: {WEB}\n„Sitzung der Lenkungsgruppe“"
    )
    assert WEB in refusal

    await admin.send("/termin_bearbeiten")
    await admin.press("Sitzung der Lenkungsgruppe")
    assert "kommt aus dem Ratsinformationssystem" in (admin.last.text or "")
    assert [row[0].text for row in admin.last.buttons] == [
        "🔒 Nicht öffentlich machen", "🙋 Um Zu- und Absagen bitten", "✖️ Abbrechen",
    ]  # fmt: skip
    await admin.press("🙋 Um Zu- und Absagen bitten")
    assert "Geändert: Zu- und Absagen." in (admin.last.text or "")
    replies = await admin.press("✅ Speichern")
    assert any((m.text or "").startswith("✅ Gespeichert:") for m in replies)
    async with sessions() as session:
        stored = await session.get(Meeting, meeting.id)
        assert stored is not None and (stored.rsvp, stored.name) == (
            True,
            "Sitzung der Lenkungsgruppe",
        )

    # The meeting view (a notice's or a list's button) shows its documents; a tap sends one.
    await admin.press_data(admin.last.message_id, f"mtg:show:{meeting.id}")
    view = next(  # the meeting view (an attendance request follows it)
        m for m in reversed(admin.messages) if any("📎" in b.text for row in m.buttons for b in row)
    )
    labels = [row[0].text for row in view.buttons]
    assert "📎 einladung.pdf" in labels and "🌐 Im Ratsinformationssystem öffnen" in labels
    await admin.press("📎 einladung.pdf")
    sent = await admin.wait_for(lambda m: m.media_kind == "document")
    assert sent.file is not None


async def test_a_synced_vorlage_offers_only_its_local_fields(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember, sessions: Sessions
) -> None:
    await add_member("Dr. Martin Muster", 500, admin=True)
    async with sessions.begin() as session:
        session.add(
            Paper(
                reference="2031/007",
                name="Pflegebericht",
                paper_type="Informationsvorlage",
                oparl_id="https://ris.example/oparl/paper/7",
                web="https://ris.example/vo0050?VOLFDNR=7",
            )
        )
    await start_bot()
    admin = api.user(500, "Martin")
    await admin.send("/vorlage_bearbeiten 2031/007")
    assert "https://ris.example/vo0050?VOLFDNR=7" in (admin.last.text or "")
    fields = [
        row[0].data for row in admin.last.buttons if (row[0].data or "").startswith("pedt:field:")
    ]
    assert fields == ["pedt:field:proposal", "pedt:field:summary"]
