"""Documents with a notice: a stored Anlage or a broadcast's attachment, uploaded to Telegram
once and sent to each member by Telegram's file_id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import RateLimits
from bot.services.outbox import Document, enqueue
from storage.models import Announcement, File, Paper
from tests.services.delivery.support import (
    BERLIN,
    FAST,
    add_members,
    local_telegram,
    received,
    running_worker,
    wait_until_settled,
)


async def test_documents_are_uploaded_once_and_sent_to_each_member(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    content = b"%PDF-1.4 Beschlussvorlage 2021/144"
    async with sessions.begin() as session:
        paper = Paper(reference="2021/144", name="Sozialstrategie", paper_type="Beschlussvorlage")
        session.add(paper)
        await session.flush()
        stored = File(
            paper_id=paper.id,
            file_name="2021-144.pdf",
            mime_type="application/pdf",
            size=len(content),
            sha256="0" * 64,
            content=content,
            created_at=datetime.now(BERLIN),
        )
        session.add(stored)
        await session.flush()
        file_id = stored.id
    async with local_telegram(RateLimits.off()) as (api, bot):
        members = await add_members(sessions, api, 3)
        long_text = "Anlage zur Vorlage: " + " ".join(["Sachverhalt."] * 100)  # > 1024 characters
        async with sessions.begin() as session:
            for member, text in zip(members, ["Anlage", "Anlage", long_text], strict=True):
                await enqueue(
                    session,
                    event_key="paper:2021/144:file",
                    chat_id=member.chat_id,
                    kind="paper.file",
                    text=text,
                    document=Document(file_id=file_id),
                    person_id=member.person_id,
                )
        async with running_worker(bot, sessions, **FAST):
            await wait_until_settled(sessions, timeout=10)
        first, second, third = (received(api, m.chat_id) for m in members)
        uploads = len(api.state.files)

    for messages in (first, second):
        [message] = messages
        assert message.document == ("2021-144.pdf", content)
        assert message.caption == "Anlage"
    text_first, document = third
    assert text_first.text == long_text
    assert document.document == ("2021-144.pdf", content)
    assert document.caption is None
    assert uploads == 1  # later recipients got Telegram's file_id of the first upload


async def test_a_broadcast_attachment_goes_with_the_broadcast(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        announcement = Announcement(
            text="Einladung",
            audience="all",
            attachment_name="Einladung.pdf",
            attachment=b"%PDF einladung",
        )
        session.add(announcement)
        await session.flush()
        announcement_id = announcement.id
    async with local_telegram(RateLimits.off()) as (api, bot):
        [member] = await add_members(sessions, api, 1)
        async with sessions.begin() as session:
            await enqueue(
                session,
                event_key=f"announcement:{announcement_id}",
                chat_id=member.chat_id,
                kind="broadcast",
                text="<b>Einladung</b> zur Präsentation",
                document=Document(announcement_id=announcement_id),
                person_id=member.person_id,
                announcement_id=announcement_id,
            )
        async with running_worker(bot, sessions, **FAST):
            await wait_until_settled(sessions, timeout=10)
        [message] = received(api, member.chat_id)
    assert message.document == ("Einladung.pdf", b"%PDF einladung")
    assert message.caption == "Einladung zur Präsentation"
