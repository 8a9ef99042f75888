"""Debts of the first build (issue 13, point 7), each with a test that failed before: a change
back and forth is announced every time; /austreten takes the member's forwarded Rückfragen
along; the notes about a removal or a departure go through the outbox with the change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import members as member_service
from bot.services.broadcast import AudienceChoice, create_broadcast
from bot.services.privacy import leave_and_erase
from bot.services.questions import ask_about_message
from storage.models import Delivery, Person
from tests.notice_samples import ANNA, CARLA, NOW, content, prepare, run, settings

Sessions = async_sessionmaker[AsyncSession]


async def _deliveries(sessions: Sessions, chat_id: int, prefix: str = "") -> list[Delivery]:
    async with sessions() as session:
        query = (
            select(Delivery)
            .where(Delivery.chat_id == chat_id, Delivery.event_key.startswith(prefix))
            .order_by(Delivery.id)
        )
        return list((await session.execute(query)).scalars())


async def _person(sessions: Sessions, telegram_id: int) -> Person:
    async with sessions() as session:
        query = select(Person).where(Person.telegram_user_id == telegram_id)
        return (await session.execute(query)).unique().scalar_one()


async def test_a_title_changed_back_and_forth_is_announced_each_time(sessions: Sessions) -> None:
    await prepare(sessions)
    data = content()
    for title in ("Sitzung B", "Sitzung des Sozialausschusses", "Sitzung B"):
        data["meetings"][0]["name"] = title
        await run(sessions, data)
    data["meetings"][0]["agenda"][0]["name"] = "Bekanntgaben der Verwaltung"
    await run(sessions, data)
    data["meetings"][0]["agenda"][0]["name"] = "Bekanntgaben"
    await run(sessions, data)
    data["papers"][0]["name"] = "Neuer Titel"
    await run(sessions, data)
    data["papers"][0]["name"] = "Sozialstrategie & Co"
    await run(sessions, data)
    data["papers"][0]["name"] = "Neuer Titel"
    await run(sessions, data)
    rows = await _deliveries(sessions, ANNA)
    kinds = [row.kind for row in rows]
    assert kinds.count("meeting_changed") == 3
    assert kinds.count("agenda_changed") == 2
    assert kinds.count("paper_changed") == 3
    # Importing the same file again still tells nobody anything.
    await run(sessions, data)
    assert len(await _deliveries(sessions, ANNA)) == len(rows)


async def test_leaving_deletes_the_forwarded_rueckfragen_and_tells_the_admins_by_outbox(
    sessions: Sessions,
) -> None:
    await prepare(sessions)
    carla = await _person(sessions, CARLA)
    async with sessions.begin() as session:
        sent = await create_broadcast(
            session,
            actor=carla,
            body="Bitte lesen",
            choice=AudienceChoice.parse("everyone"),
            settings=settings(),
            now=NOW,
        )
        delivery = (
            await session.execute(
                select(Delivery).where(
                    Delivery.announcement_id == sent.announcement.id, Delivery.chat_id == ANNA
                )
            )
        ).scalar_one()
        delivery.telegram_message_id = 77
    anna = await _person(sessions, ANNA)
    async with sessions.begin() as session:
        sent_question = await ask_about_message(
            session,
            member=anna,
            chat_id=ANNA,
            message_id=78,
            replied_to=77,
            text="Meine vertrauliche Rückfrage",
            settings=settings(),
            now=NOW,
        )
    assert sent_question is not None
    [forwarded] = await _deliveries(sessions, CARLA, "question:")
    assert "Meine vertrauliche Rückfrage" in forwarded.payload["text"]
    async with sessions.begin() as session:
        person = await session.get(Person, anna.id)
        assert person is not None
        name = await leave_and_erase(session, person=person, group_key="lenkungsgruppe", now=NOW)
        told = await member_service.tell_admins_left(
            session, name=name, person_id=anna.id, group_key="lenkungsgruppe", now=NOW, default="de"
        )
    assert told == 1
    assert await _deliveries(sessions, CARLA, "question:") == []  # her words are gone
    [note] = await _deliveries(sessions, CARLA, "left:")
    assert "Anna Beispiel ist aus der Lenkungsgruppe ausgetreten" in note.payload["text"]


async def test_the_farewell_to_a_removed_member_is_written_with_the_removal(
    sessions: Sessions,
) -> None:
    await prepare(sessions)
    carla, anna = await _person(sessions, CARLA), await _person(sessions, ANNA)
    async with sessions.begin() as session:
        await member_service.remove_member(
            session,
            actor=carla,
            person_id=anna.id,
            group_key="lenkungsgruppe",
            now=NOW,
            default_language="de",
        )
    [farewell] = await _deliveries(sessions, ANNA, "farewell:")
    assert "Ihre Mitgliedschaft in der Lenkungsgruppe" in farewell.payload["text"]
