"""Notices from change reports: the right members, their language and settings, the group's
public share, one batch per change, stable event keys (a re-import notifies nobody)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.council_admin import attach_file, cancel_meeting
from bot.services.notices import change_notifier
from storage.models import Meeting, Paper, Person
from tests.notice_samples import (
    ANNA,
    BERND,
    CARLA,
    GROUP_CHAT,
    NOW,
    by_chat,
    content,
    deliveries,
    prepare,
    run,
    settings,
)

Sessions = async_sessionmaker[AsyncSession]


def _changed() -> dict[str, object]:
    """A new public meeting, a moved one, a new paper and a changed agenda."""
    data = content()
    meetings: list[dict[str, object]] = data["meetings"]
    meetings[0]["start"] = "2030-03-05T15:00"  # moved: sa-2030-03-04
    meetings[0]["end"] = "2030-03-05T18:00"
    meetings[0]["agenda"] = [
        {"number": "1", "name": "Bekanntgaben"},
        {"number": "2", "name": "Personalsache Müller", "public": False},
        {"number": "3", "name": "Pflegebericht 2029"},
    ]
    meetings.append(
        {
            "key": "sa-2030-04-01",
            "organization": "sozialausschuss",
            "kind": "session",
            "name": "Sondersitzung",
            "start": "2030-04-01T10:00",
            "public": True,
        }
    )
    data["papers"].append(
        {
            "reference": "2030/002",
            "name": "Interne Vorlage",
            "paper_type": "Informationsvorlage",
            "consultations": [
                {"organization": "lenkungsgruppe", "meeting": "lg-2030-03-10", "public": False}
            ],
        }
    )
    return data


async def test_each_member_gets_what_they_asked_for_in_their_language(sessions: Sessions) -> None:
    await prepare(sessions)
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == CARLA).values(notify_papers=False)
        )
    report = await run(sessions, _changed())
    rows = by_chat(await deliveries(sessions))

    assert {row.kind for row in rows[ANNA]} == {
        "meeting_new",
        "meeting_changed",
        "agenda_changed",
        "paper_new",
    }
    assert {row.kind for row in rows[CARLA]} == {"meeting_new", "meeting_changed", "agenda_changed"}
    assert report.notified == sum(len(chat_rows) for chat_rows in rows.values())
    # One batch for the whole import: each member gets one combined message.
    assert len({row.batch_key for chat_rows in rows.values() for row in chat_rows}) == 1

    anna = {row.kind: row.payload for row in rows[ANNA]}
    bernd = {row.kind: row.payload for row in rows[BERND]}
    assert anna["meeting_changed"]["text"].startswith("✏️ <b>Termin geändert</b>")
    assert (
        "🕑 Beginn: <s>Montag, 4. März 2030, 14:00 Uhr</s> → "
        "<b>Dienstag, 5. März 2030, 15:00 Uhr</b>" in anna["meeting_changed"]["text"]
    )
    assert bernd["meeting_changed"]["text"].startswith("✏️ <b>Meeting changed</b>")
    assert "Tuesday, 5 March 2030, 15:00" in bernd["meeting_changed"]["text"]
    assert anna["paper_new"]["text"].startswith("📄 <b>Neue Vorlage 2030/002</b>\nInterne Vorlage")
    [[paper_button]] = anna["paper_new"]["buttons"]
    assert paper_button["text"] == "📄 Vorlage 2030/002"
    assert re.fullmatch(r"pap:id:\d+", paper_button["callback_data"])
    assert "➕ <b>TOP 3</b> Pflegebericht 2029" in anna["agenda_changed"]["text"]
    meeting_button = anna["meeting_new"]["buttons"][0][0]
    assert meeting_button["callback_data"].startswith("mtg:show:")

    # Nobody is told twice: the same file again changes nothing and notifies nobody.
    again = await run(sessions, _changed())
    assert again.is_empty and again.notified == 0
    assert len(await deliveries(sessions)) == report.notified


async def test_the_group_hears_only_what_is_public(sessions: Sessions) -> None:
    await prepare(sessions)
    data = _changed()
    data["meetings"][0]["agenda"][1]["name"] = "Personalsache Meier"  # a non-public item renamed
    await run(sessions, data)
    group = by_chat(await deliveries(sessions))[GROUP_CHAT]
    # The non-public paper stays out; the public meeting, its move and agenda come in.
    assert sorted(row.kind for row in group) == ["agenda_changed", "meeting_changed", "meeting_new"]
    agenda = next(row for row in group if row.kind == "agenda_changed").payload["text"]
    assert "Pflegebericht" in agenda and "Personalsache" not in agenda
    assert all(row.payload["buttons"] == [] and row.person_id is None for row in group)

    # A change of non-public items only: the members hear of it, the group does not.
    data["meetings"][0]["agenda"][1]["name"] = "Personalsache Schulze"
    before = len(group)
    await run(sessions, data)
    rows = by_chat(await deliveries(sessions))
    assert len(rows[GROUP_CHAT]) == before
    assert "Personalsache Schulze" in rows[ANNA][-1].payload["text"]


async def test_switched_off_kinds_and_unlinked_members_get_nothing(sessions: Sessions) -> None:
    await prepare(sessions)
    async with sessions.begin() as session:
        await session.execute(
            update(Person)
            .where(Person.telegram_user_id == BERND)
            .values(notify_meetings=False, notify_papers=False)
        )
    await run(sessions, _changed())
    rows = by_chat(await deliveries(sessions))
    assert BERND not in rows
    async with sessions() as session:
        dora = (
            await session.execute(select(Person).where(Person.name == "Dora Ohnelink"))
        ).scalar_one()
    assert all(row.person_id != dora.id for chat_rows in rows.values() for row in chat_rows)


async def test_meetings_that_are_over_are_not_announced(sessions: Sessions) -> None:
    await prepare(sessions)
    data = content()
    data["meetings"].append(
        {
            "key": "sa-2029-12-01",
            "organization": "sozialausschuss",
            "kind": "session",
            "name": "Alte Sitzung",
            "start": "2029-12-01T14:00",
        }
    )
    report = await run(sessions, data)
    assert report.meetings.created and report.notified == 0


async def test_chat_administration_cancel_and_attach_notify_with_stable_keys(
    sessions: Sessions,
) -> None:
    await prepare(sessions)
    notifier = change_notifier(settings(), now=NOW)
    async with sessions.begin() as session:
        meeting = (
            await session.execute(select(Meeting).where(Meeting.key == "sa-2030-03-04"))
        ).scalar_one()
        paper = (
            (await session.execute(select(Paper).where(Paper.reference == "2030/001")))
            .unique()
            .scalar_one()
        )
        await cancel_meeting(
            session, actor=None, meeting_id=meeting.id, now=NOW, tz=settings().tz, notifier=notifier
        )
        stored = await attach_file(
            session,
            actor=None,
            paper_id=paper.id,
            file_name="Vorlage.pdf",
            mime_type="application/pdf",
            content=b"%PDF-1.4 test",
            now=datetime(2030, 1, 10, 9, 5, tzinfo=UTC),
            notifier=notifier,
        )
    rows = by_chat(await deliveries(sessions))
    keys = {row.event_key for row in rows[ANNA]}
    assert keys == {f"meeting:{meeting.id}:cancelled:1", f"paper:{paper.id}:file:{stored.item.id}"}
    cancelled = next(row for row in rows[ANNA] if row.kind == "meeting_cancelled").payload
    assert cancelled["text"].startswith("❌ <b>Termin abgesagt</b>")
    assert "<s>Montag, 4. März 2030, 14:00 Uhr</s>" in cancelled["text"]
    attached = next(row for row in rows[ANNA] if row.kind == "paper_file").payload
    assert attached["buttons"][0] == [
        {"text": "📎 Vorlage.pdf", "callback_data": f"pap:file:{stored.item.id}"}
    ]
    # The paper's Beratungsfolge is public, and the meeting too: the group is told both.
    assert sorted(row.kind for row in rows[GROUP_CHAT]) == ["meeting_cancelled", "paper_file"]
