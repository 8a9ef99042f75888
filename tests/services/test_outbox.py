"""The transactional outbox: rows written with the caller's transaction, once per event and chat."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.delivery import wakeup
from bot.services.outbox import Document, Notice, enqueue, enqueue_many
from storage.models import Delivery, DeliveryStatus


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> list[Delivery]:
    async with sessions() as session:
        return list((await session.execute(select(Delivery).order_by(Delivery.id))).scalars())


async def test_enqueue_writes_a_pending_delivery_with_its_payload(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        created = await enqueue(
            session,
            event_key="paper:2021/144:new",
            chat_id=111,
            kind="paper.new",
            text="<b>Neue Vorlage</b> 2021/144",
            buttons=[[("Öffnen", "paper:show:2021/144"), ("Web", "https://example.org/p")]],
            batch_key="import:7",
        )
    assert created is True
    [row] = await _rows(sessions)
    assert (row.event_key, row.chat_id, row.kind, row.batch_key) == (
        "paper:2021/144:new",
        111,
        "paper.new",
        "import:7",
    )
    assert row.status is DeliveryStatus.PENDING
    assert row.attempts == 0
    assert row.payload == {
        "text": "<b>Neue Vorlage</b> 2021/144",
        "buttons": [
            [
                {"text": "Öffnen", "callback_data": "paper:show:2021/144"},
                {"text": "Web", "url": "https://example.org/p"},
            ]
        ],
        "combinable": True,
        "document": None,
    }


async def test_the_same_event_for_the_same_chat_is_written_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        first = await enqueue(session, event_key="e1", chat_id=1, kind="k", text="a")
        again = await enqueue(session, event_key="e1", chat_id=1, kind="k", text="other text")
        other_chat = await enqueue(session, event_key="e1", chat_id=2, kind="k", text="a")
    async with sessions.begin() as session:
        later = await enqueue(session, event_key="e1", chat_id=1, kind="k", text="a")
    assert (first, again, other_chat, later) == (True, False, True, False)
    rows = await _rows(sessions)
    assert [(r.event_key, r.chat_id, r.payload["text"]) for r in rows] == [
        ("e1", 1, "a"),
        ("e1", 2, "a"),
    ]


async def test_concurrent_transactions_write_one_row(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    first = sessions()
    second = sessions()
    try:
        assert await enqueue(first, event_key="race", chat_id=5, kind="k", text="one")
        # The second writer waits for the first one's lock (row lock or SQLite's write lock).
        racing = asyncio.create_task(
            enqueue(second, event_key="race", chat_id=5, kind="k", text="two")
        )
        await asyncio.sleep(0.2)
        await first.commit()
        assert await racing is False
        await second.commit()
    finally:
        await first.close()
        await second.close()
    rows = await _rows(sessions)
    assert [r.payload["text"] for r in rows] == ["one"]


async def test_a_rolled_back_transaction_leaves_no_delivery_and_wakes_nobody(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    woken: list[str] = []
    listener = lambda: woken.append("woken")  # noqa: E731
    wakeup.subscribe(listener)
    try:
        async with sessions() as session:
            await enqueue(session, event_key="e", chat_id=1, kind="k", text="a")
            await session.rollback()
        assert await _rows(sessions) == []
        assert woken == []
        async with sessions.begin() as session:
            await enqueue(session, event_key="e", chat_id=1, kind="k", text="a")
        assert woken == ["woken"]  # the commit woke the workers at once
        async with sessions.begin() as session:
            await enqueue(session, event_key="e", chat_id=1, kind="k", text="a")
        assert woken == ["woken"]  # nothing new written, nobody woken
    finally:
        wakeup.unsubscribe(listener)


async def test_enqueue_many_counts_the_new_rows(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    notices = [
        Notice(event_key="broadcast:1", chat_id=1000 + n, kind="broadcast", text=f"Hallo {n}")
        for n in range(1200)
    ]
    async with sessions.begin() as session:
        assert await enqueue_many(session, notices) == 1200
    async with sessions.begin() as session:
        assert await enqueue_many(session, notices[:10]) == 0
        count = await session.scalar(select(func.count()).select_from(Delivery))
    assert count == 1200


async def test_documents_and_answer_requests_are_never_combined(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await enqueue(
            session,
            event_key="doc",
            chat_id=1,
            kind="paper.file",
            text="Anlage",
            document=Document(file_id=3),
        )
        await enqueue(
            session,
            event_key="rsvp",
            chat_id=1,
            kind="attendance.request",
            text="Kommen Sie?",
            buttons=[[("Ja", "rsvp:9:yes"), ("Nein", "rsvp:9:no")]],
            combinable=False,
        )
    doc, rsvp = await _rows(sessions)
    assert doc.payload["document"] == {"file_id": 3}
    assert doc.payload["combinable"] is False
    assert rsvp.payload["combinable"] is False


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": " "}, "the text is empty"),
        ({"text": "x" * 4097}, "4097 characters, Telegram allows 4096"),
        ({"buttons": [[("Zu lang", "x" * 65)]]}, "over 64 bytes"),
        ({"buttons": [[("", "a:b")]]}, "needs a label and a target"),
        ({"buttons": [[(str(n), f"b:{n}")] for n in range(101)]}, "101 buttons"),
    ],
)
async def test_a_notice_telegram_would_refuse_is_refused_and_nothing_written(
    sessions: async_sessionmaker[AsyncSession], kwargs: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {"event_key": "e", "chat_id": 1, "kind": "k", "text": "ok"}
    values.update(kwargs)
    async with sessions() as session:
        await enqueue(session, event_key="fine", chat_id=2, kind="k", text="fine")
        with pytest.raises(ValueError, match=message):
            await enqueue_many(session, [Notice(**values)])  # type: ignore[arg-type]
        await session.commit()
    assert [r.event_key for r in await _rows(sessions)] == ["fine"]


async def test_html_counts_as_the_text_telegram_shows() -> None:
    from bot.services.delivery.text import visible_length

    assert visible_length("<b>A &amp; B</b> <a href='https://x.example/'>link</a>") == 10
    assert visible_length("😀") == 2  # Telegram counts UTF-16 code units
