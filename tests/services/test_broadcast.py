"""Broadcasts: each audience is exactly who it says, rights are checked, bad input stores
nothing, and the message is framed in each recipient's language."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import NotAllowed, UserError
from bot.services.broadcast import (
    Attachment,
    AudienceChoice,
    create_broadcast,
    plain_body,
)
from storage.models import Announcement, AuditEntry, Delivery, Person
from tests.notice_samples import ANNA, BERND, CARLA, GROUP_CHAT, NOW, prepare, settings

Sessions = async_sessionmaker[AsyncSession]
BODY = "Die Präsentationen beginnen <b>um 14 Uhr</b> & nicht um 13."


async def person(sessions: Sessions, telegram_id: int) -> Person:
    async with sessions() as session:
        query = select(Person).where(Person.telegram_user_id == telegram_id)
        return (await session.execute(query)).unique().scalar_one()


async def send(sessions: Sessions, actor: Person | None, audience: str, **extra: object) -> int:
    async with sessions.begin() as session:
        sent = await create_broadcast(
            session,
            actor=actor,
            body=str(extra.pop("body", BODY)),
            choice=AudienceChoice.parse(audience),
            settings=settings(),
            now=NOW,
            **extra,  # type: ignore[arg-type]
        )
    return sent.announcement.id


async def chats_of(sessions: Sessions, announcement_id: int) -> dict[int, Delivery]:
    async with sessions() as session:
        query = select(Delivery).where(Delivery.announcement_id == announcement_id)
        return {row.chat_id: row for row in (await session.execute(query)).scalars()}


async def count(sessions: Sessions, model: type[object]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def test_each_audience_reaches_exactly_its_members(sessions: Sessions) -> None:
    await prepare(sessions)
    carla = await person(sessions, CARLA)
    expected = {
        "everyone": {ANNA, BERND},  # the sender does not get her own broadcast
        "speakers": {ANNA, BERND},
        "faction:spd": {ANNA},
        "group": {GROUP_CHAT},
    }
    for audience, chats in expected.items():
        assert set(await chats_of(sessions, await send(sessions, carla, audience))) == chats
    assert set(await chats_of(sessions, await send(sessions, None, "administration"))) == {CARLA}


async def test_the_message_is_framed_in_each_language_and_answerable(sessions: Sessions) -> None:
    await prepare(sessions)
    carla = await person(sessions, CARLA)
    announcement_id = await send(
        sessions, carla, "everyone", attachment=Attachment("Zeitplan.pdf", b"%PDF-1")
    )
    rows = await chats_of(sessions, announcement_id)
    anna, bernd = rows[ANNA], rows[BERND]
    assert anna.event_key == f"announcement:{announcement_id}" and anna.kind == "broadcast"
    assert anna.payload["text"] == (
        "📢 <b>Vorab-Information</b> von Carla Controlling\n\n"
        f"{BODY}\n\n<i>Rückfragen? Antworten Sie einfach auf diese Nachricht.</i>"
    )
    assert bernd.payload["text"].startswith("📢 <b>Early information</b> from Carla Controlling")
    assert anna.payload["document"] == {"announcement_id": announcement_id}
    assert anna.payload["combinable"] is False
    group = await chats_of(sessions, await send(sessions, None, "group", body=plain_body("a < b")))
    assert group[GROUP_CHAT].payload["text"] == "📢 <b>Vorab-Information</b>\n\na &lt; b"
    async with sessions() as session:
        entries = (await session.execute(select(AuditEntry))).scalars().all()
    assert any(
        entry.action == "broadcast"
        and entry.subject.startswith("Die Präsentationen")
        and entry.data is not None
        and (entry.data["announcement_id"], entry.data["audience"], entry.data["chats"])
        == (announcement_id, "everyone", 2)
        for entry in entries
    )


@pytest.mark.parametrize(
    ("sender", "audience", "body", "message"),
    [
        (ANNA, "everyone", BODY, "Das dürfen nur Administratorinnen und Administratoren."),
        (CARLA, "faction:afd", BODY, "Eine Fraktion „afd“ gibt es nicht."),
        (CARLA, "everyone", "  ", "Der Text ist leer. Bitte schreiben Sie die Nachricht."),
        (CARLA, "everyone", "x" * 3001, "Der Text ist zu lang (3001 Zeichen, höchstens 3000)."),
        (CARLA, "administration", BODY, "In dieser Zielgruppe ist niemand mit Telegram verbunden."),
    ],
)
async def test_refused_broadcasts_store_nothing(
    sessions: Sessions, sender: int, audience: str, body: str, message: str
) -> None:
    await prepare(sessions)
    actor = await person(sessions, sender)
    with pytest.raises(UserError) as refused:
        await send(sessions, actor, audience, body=body)
    assert refused.value.render("de") == message
    assert isinstance(refused.value, NotAllowed) == (sender == ANNA)
    assert await count(sessions, Announcement) == 0
    assert await count(sessions, Delivery) == 0


def test_an_unknown_audience_is_named() -> None:
    with pytest.raises(UserError) as refused:
        AudienceChoice.parse("alle")
    assert refused.value.render("en").startswith("“alle” is not an audience.")
    assert str(AudienceChoice.parse("faction:spd")) == "faction:spd"
