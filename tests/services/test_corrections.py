"""Corrections and reasons (issue 13, points 3 and 4) at the service layer: a meeting's title,
place and public flag, any Vorlage field, agenda items; each audited and announced by the
notice rules; an optional reason for a move or a cancellation in the notice and calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.common import strip_html
from bot.errors import UserError
from bot.services.calendar.feeds import meeting_ics
from bot.services.council_admin import cancel_meeting, move_meeting
from bot.services.council_admin.edits import (
    ItemEdit,
    PaperEdit,
    add_agenda_item,
    edit_agenda_item,
    edit_meeting,
    edit_paper,
    remove_agenda_item,
    renumber_agenda,
)
from bot.services.notices import change_notifier
from bot.views.audit import entry_text
from storage.models import AgendaItem, AuditEntry, Delivery, Meeting, Paper
from tests.notice_samples import ANNA, BERLIN, NOW, prepare, settings

Sessions = async_sessionmaker[AsyncSession]
KEY = "sa-2030-03-04"


async def _ids(sessions: Sessions) -> tuple[int, int]:
    async with sessions() as session:
        meeting = (await session.execute(select(Meeting).where(Meeting.key == KEY))).scalar_one()
        paper = (
            (await session.execute(select(Paper).where(Paper.reference == "2030/001")))
            .unique()
            .scalar_one()
        )
        return meeting.id, paper.id


async def _notices(sessions: Sessions, kind: str) -> list[str]:
    async with sessions() as session:
        query = (
            select(Delivery)
            .where(Delivery.chat_id == ANNA, Delivery.kind == kind)
            .order_by(Delivery.id)
        )
        return [row.payload["text"] for row in (await session.execute(query)).scalars()]


async def _last_audit(sessions: Sessions, language: str = "de") -> str:
    async with sessions() as session:
        entry = (
            await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        ).scalar_one()
    return strip_html(entry_text(entry, language, BERLIN))


async def _agenda(sessions: Sessions, meeting_id: int) -> list[tuple[str, str, bool, int | None]]:
    async with sessions() as session:
        query = (
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
        return [
            (item.number, item.name, item.public, item.paper_id)
            for item in (await session.execute(query)).scalars().unique()
        ]


async def test_a_meetings_title_place_and_public_flag(sessions: Sessions) -> None:
    await prepare(sessions)
    meeting_id, _ = await _ids(sessions)
    notifier = change_notifier(settings(), now=NOW)
    async with sessions.begin() as session:
        await edit_meeting(
            session,
            actor=None,
            meeting_id=meeting_id,
            name="Sondersitzung des Sozialausschusses",
            now=NOW,
            notifier=notifier,
        )
    [changed] = await _notices(sessions, "meeting_changed")
    assert "Sondersitzung des Sozialausschusses" in changed
    assert "Sitzung des Sozialausschusses" in changed  # old → new
    assert await _last_audit(sessions) == (
        "hat den Termin „Sondersitzung des Sozialausschusses“ geändert: "
        "Titel Sitzung des Sozialausschusses → Sondersitzung des Sozialausschusses"
    )
    async with sessions.begin() as session:
        await edit_meeting(
            session, actor=None, meeting_id=meeting_id, location="Kreishaus", now=NOW,
            notifier=notifier,
        )  # fmt: skip
        stored = await session.get(Meeting, meeting_id)
        assert stored is not None and stored.sequence == 1  # calendars update
    moved = (await _notices(sessions, "meeting_changed"))[-1]
    assert "Landratsamt" in moved and "Kreishaus" in moved
    async with sessions.begin() as session:
        with pytest.raises(UserError) as error:
            await edit_meeting(
                session, actor=None, meeting_id=meeting_id, location="Kreishaus", now=NOW
            )
    assert error.value.render("de").startswith("Das ist schon so gespeichert")


async def test_agenda_items_added_corrected_removed_and_renumbered(sessions: Sessions) -> None:
    await prepare(sessions)
    meeting_id, paper_id = await _ids(sessions)
    notifier = change_notifier(settings(), now=NOW)

    async def act(action: object, **values: object) -> None:
        async with sessions.begin() as session:
            await action(  # type: ignore[operator]
                session, actor=None, meeting_id=meeting_id, now=NOW, notifier=notifier, **values
            )

    await act(add_agenda_item, number="3", name="Sozialstrategie", paper="2030/001")
    assert (await _agenda(sessions, meeting_id))[-1] == ("3", "Sozialstrategie", True, paper_id)
    added = (await _notices(sessions, "agenda_changed"))[-1]
    assert "3" in added and "Sozialstrategie" in added
    await act(edit_agenda_item, number="1", edit=ItemEdit(name="Bekanntgaben und Anfragen"))
    renamed = (await _notices(sessions, "agenda_changed"))[-1]
    assert "Bekanntgaben und Anfragen" in renamed and "Bekanntgaben" in renamed
    await act(remove_agenda_item, number="2")
    assert [n for n, *_ in await _agenda(sessions, meeting_id)] == ["1", "3"]
    await act(renumber_agenda)
    assert [n for n, *_ in await _agenda(sessions, meeting_id)] == ["1", "2"]
    await act(edit_agenda_item, number="2", edit=ItemEdit(number="5", public=False))
    assert (await _agenda(sessions, meeting_id))[-1] == ("5", "Sozialstrategie", False, paper_id)
    assert len(await _notices(sessions, "agenda_changed")) == 5
    for values, message in [
        ({"number": "1", "name": "Doppelt"}, "gibt es auf dieser Tagesordnung schon"),
        ({"number": "9", "name": "X", "paper": "2099/999"}, "Eine Vorlage 2099/999 gibt es nicht"),
        ({"number": "", "name": "X"}, "Bitte geben Sie die Nummer"),
    ]:
        with pytest.raises(UserError) as error:
            await act(add_agenda_item, **values)
        assert message in error.value.render("de")
    assert "hat die Tagesordnung von „Sitzung des Sozialausschusses“ geändert" in (
        await _last_audit(sessions)
    )


async def test_every_field_of_a_vorlage(sessions: Sessions) -> None:
    await prepare(sessions)
    _, paper_id = await _ids(sessions)
    async with sessions.begin() as session:
        await edit_paper(
            session,
            actor=None,
            paper_id=paper_id,
            edit=PaperEdit(
                name="Sozialstrategie für den Landkreis",
                proposal="1. Zustimmung.",
                summary="Der Sachverhalt.",
                originator_key=None,
            ),
            now=NOW,
            notifier=change_notifier(settings(), now=NOW),
        )
    [changed] = await _notices(sessions, "paper_changed")
    assert "2030/001" in changed and "Beschlussvorschlag" in changed
    assert "Titel Sozialstrategie & Co → Sozialstrategie für den Landkreis" in (
        await _last_audit(sessions)
    )
    async with sessions.begin() as session:
        with pytest.raises(UserError):
            await edit_paper(
                session,
                actor=None,
                paper_id=paper_id,
                edit=PaperEdit(originator_key="spd"),
                now=NOW,
            )


async def test_a_reason_for_a_move_and_a_cancellation(sessions: Sessions) -> None:
    await prepare(sessions)
    meeting_id, _ = await _ids(sessions)
    notifier = change_notifier(settings(), now=NOW)
    new_start = datetime(2030, 3, 11, 13, tzinfo=UTC)
    async with sessions.begin() as session:
        await move_meeting(
            session,
            actor=None,
            meeting_id=meeting_id,
            start=new_start,
            end=new_start + timedelta(hours=3),
            now=NOW,
            tz=BERLIN,
            notifier=notifier,
            reason="Der Saal wird renoviert.",
        )
    moved = (await _notices(sessions, "meeting_changed"))[-1]
    assert "💬 Grund: Der Saal wird renoviert." in moved
    assert "– Grund: Der Saal wird renoviert." in await _last_audit(sessions)
    async with sessions() as session:
        ics = await meeting_ics(
            session, settings=settings(), meeting_id=meeting_id, language="de", bot_username=None
        )
    assert ics is not None
    assert "Grund der Verschiebung: Der Saal wird renoviert." in ics.decode().replace("\r\n ", "")
    async with sessions.begin() as session:
        await cancel_meeting(
            session,
            actor=None,
            meeting_id=meeting_id,
            now=NOW,
            tz=BERLIN,
            notifier=notifier,
            reason="Zu wenige Anmeldungen",
        )
    [cancelled] = await _notices(sessions, "meeting_cancelled")
    assert "💬 Grund: Zu wenige Anmeldungen" in cancelled
    assert await _last_audit(sessions, "en") == (
        "cancelled the meeting “Sitzung des Sozialausschusses” (11/03/2030, 14:00)"
        " – reason: Zu wenige Anmeldungen"
    )
