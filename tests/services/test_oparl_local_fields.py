"""Fields from the council's information system are kept by it (issue 14, point 3): a chat edit
of a synced meeting's or Vorlage's RIS fields is refused with a note where to change them; the
local fields (public, attendance requests, proposal, summary) stay editable, survive the next
sync, and a synced meeting's derived key works with `gremienbot attendance`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.errors import UserError
from bot.localoparl.sample import build
from bot.localoparl.server import LocalOParl
from bot.services.council_admin import cancel_meeting, move_meeting
from bot.services.council_admin.edits import (
    PaperEdit,
    add_agenda_item,
    edit_meeting,
    edit_paper,
)
from storage.models import Meeting, Paper
from tests.notice_samples import BERLIN, NOW, prepare
from tests.services.test_oparl_sync import sync

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def oparl() -> AsyncIterator[LocalOParl]:
    async with LocalOParl() as server:
        server.store.page_size = 2
        server.store.clock = NOW
        yield server


async def _synced(sessions: Sessions) -> tuple[Meeting, Meeting, Paper]:
    """The adopted meeting, a meeting the sync created, and the adopted Vorlage."""
    async with sessions() as session:
        meetings = list(
            (await session.execute(select(Meeting).where(Meeting.oparl_id.is_not(None))))
            .unique()
            .scalars()
        )
        paper = (
            (await session.execute(select(Paper).where(Paper.reference == "2030/001")))
            .unique()
            .scalar_one()
        )
    adopted = next(m for m in meetings if m.key == "sa-2030-03-04")
    created = next(m for m in meetings if m.key != "sa-2030-03-04" and m.start > NOW)
    return adopted, created, paper


async def _refused(sessions: Sessions, call: object) -> UserError:
    with pytest.raises(UserError) as raised:
        async with sessions.begin() as session:
            await call(session)  # type: ignore[operator]
    return raised.value


async def test_ris_fields_are_refused_with_where_to_change_them(
    sessions: Sessions, oparl: LocalOParl
) -> None:
    await prepare(sessions)
    build(oparl.store)
    await sync(sessions, oparl)
    meeting, _, paper = await _synced(sessions)
    assert meeting.web and paper.web

    async def rename(session: AsyncSession) -> None:
        await edit_meeting(session, actor=None, meeting_id=meeting.id, name="Neu", now=NOW)

    async def move(session: AsyncSession) -> None:
        await move_meeting(
            session,
            actor=None,
            meeting_id=meeting.id,
            start=meeting.start + (meeting.start - NOW),
            end=None,
            now=NOW,
            tz=BERLIN,
        )

    async def cancel(session: AsyncSession) -> None:
        await cancel_meeting(session, actor=None, meeting_id=meeting.id, now=NOW, tz=BERLIN)

    async def add_item(session: AsyncSession) -> None:
        await add_agenda_item(
            session, actor=None, meeting_id=meeting.id, number="99", name="Neu", now=NOW
        )

    for call in (rename, move, cancel, add_item):
        error = await _refused(sessions, call)
        assert error.key == "council_admin.synced_meeting_web"
        assert error.values["web"] == meeting.web
        text = error.render("de")
        assert "Ratsinformationssystem" in text and meeting.web in text

    async def retitle(session: AsyncSession) -> None:
        await edit_paper(
            session, actor=None, paper_id=paper.id, edit=PaperEdit(name="Anders"), now=NOW
        )

    error = await _refused(sessions, retitle)
    assert error.key == "council_admin.synced_paper_web"
    assert paper.web in error.render("en") and "proposal 2030/001" in error.render("en")
    async with sessions() as session:  # nothing changed
        stored = await session.get(Meeting, meeting.id)
        assert stored is not None
        assert (stored.name, stored.start, stored.cancelled) == (
            meeting.name,
            meeting.start,
            False,
        )

    # The local fields stay editable: a Vorlage's summary, a meeting's public flag and rsvp.
    async with sessions.begin() as session:
        await edit_paper(
            session,
            actor=None,
            paper_id=paper.id,
            edit=PaperEdit(summary="Vor Ort ergänzt."),
            now=NOW,
        )
        await edit_meeting(
            session, actor=None, meeting_id=meeting.id, public=False, rsvp=True, now=NOW
        )
    await sync(sessions, oparl, NOW + timedelta(minutes=10))  # the RIS keeps local fields
    async with sessions() as session:
        stored = await session.get(Meeting, meeting.id)
        stored_paper = await session.get(Paper, paper.id)
        assert stored is not None and stored_paper is not None
        assert (stored.public, stored.rsvp) == (False, True)
        assert stored_paper.summary == "Vor Ort ergänzt."


async def test_rsvp_for_a_synced_meeting_and_its_derived_key_in_the_cli(
    sessions: Sessions, oparl: LocalOParl, database_url: str
) -> None:
    await prepare(sessions)
    build(oparl.store)
    await sync(sessions, oparl)
    _, created, _ = await _synced(sessions)
    assert created.rsvp is False
    async with sessions.begin() as session:
        await edit_meeting(session, actor=None, meeting_id=created.id, rsvp=True, now=NOW)
    env = {"GREMIENBOT_DATABASE_URL": database_url, "GREMIENBOT_TIMEZONE": "Europe/Berlin"}
    result = await asyncio.to_thread(CliRunner().invoke, main, ["attendance", created.key], env=env)
    assert result.exit_code == 0, result.output
    assert created.name in result.output
