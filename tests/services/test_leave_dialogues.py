"""/austreten erases the member's dialogue state too: a draft may hold what they typed (a
name, a Rückfrage, a document's file id). Other members' dialogues stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.privacy import leave_and_erase
from storage.models import DialogueState, Person
from storage.queries.dialogues import save_dialogue_state
from tests.notice_samples import ANNA, BERND, GROUP_CHAT, NOW, prepare

Sessions = async_sessionmaker[AsyncSession]


async def _dialogue(sessions: Sessions, *, chat_id: int, user_id: int) -> None:
    async with sessions.begin() as session:
        await save_dialogue_state(
            session,
            chat_id=chat_id,
            user_id=user_id,
            name="deputy",
            state=0,
            draft='{"name": "Vertreterin Geheim"}',
            replaced="[]",
            expires_at=NOW + timedelta(minutes=30),
        )


async def _rows(sessions: Sessions) -> set[tuple[int, int]]:
    async with sessions() as session:
        rows = await session.execute(select(DialogueState.chat_id, DialogueState.user_id))
        return {(chat, user) for chat, user in rows}


async def test_leaving_erases_the_members_dialogues(sessions: Sessions) -> None:
    await prepare(sessions)
    await _dialogue(sessions, chat_id=ANNA, user_id=ANNA)  # her private chat
    await _dialogue(sessions, chat_id=GROUP_CHAT, user_id=ANNA)  # hers in a group
    await _dialogue(sessions, chat_id=BERND, user_id=BERND)
    await _dialogue(sessions, chat_id=GROUP_CHAT, user_id=BERND)
    async with sessions.begin() as session:
        query = select(Person).where(Person.telegram_user_id == ANNA)
        anna = (await session.execute(query)).unique().scalar_one()
        await leave_and_erase(session, person=anna, group_key="lenkungsgruppe", now=NOW)
    assert await _rows(sessions) == {(BERND, BERND), (GROUP_CHAT, BERND)}
