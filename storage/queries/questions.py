"""Queries about Rückfragen (members' questions to the administration) and their answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Announcement, Delivery, Question

QUESTION_KEY_PREFIX = "question:"  # event key of a Rückfrage forwarded to an administrator


async def question_by_id(session: AsyncSession, *, question_id: int) -> Question | None:
    query = (
        select(Question).where(Question.id == question_id).execution_options(populate_existing=True)
    )
    return (await session.execute(query)).scalar_one_or_none()


async def question_of_forward(
    session: AsyncSession, *, chat_id: int, message_id: int
) -> Question | None:
    """The Rückfrage that bot message `message_id` in an administrator's chat forwarded."""
    query = select(Delivery.event_key).where(
        Delivery.chat_id == chat_id,
        Delivery.telegram_message_id == message_id,
        Delivery.event_key.startswith(QUESTION_KEY_PREFIX, autoescape=True),
    )
    key = (await session.execute(query.limit(1))).scalars().first()
    if key is None:
        return None
    number = key[len(QUESTION_KEY_PREFIX) :].split(":")[0]
    return await question_by_id(session, question_id=int(number)) if number.isdigit() else None


async def awaited_by(session: AsyncSession, *, admin_id: int, now: datetime) -> Question | None:
    """The Rückfrage this administrator pressed "Antworten" on and has not answered yet."""
    query = (
        select(Question)
        .where(Question.awaiting_admin_id == admin_id, Question.awaiting_until > now)
        .order_by(Question.awaiting_until.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def stop_awaiting(session: AsyncSession, *, admin_id: int) -> None:
    """The administrator writes no answer (any more) to any Rückfrage."""
    await session.execute(
        update(Question)
        .where(Question.awaiting_admin_id == admin_id)
        .values(awaiting_admin_id=None, awaiting_until=None)
    )


async def latest_broadcast_to(
    session: AsyncSession, *, chat_id: int, since: datetime
) -> Announcement | None:
    """The newest broadcast delivered to this chat since `since` (a Rückfrage's context)."""
    query = (
        select(Announcement)
        .join(Delivery, Delivery.announcement_id == Announcement.id)
        .where(Delivery.chat_id == chat_id, Announcement.created_at >= since)
        .order_by(Announcement.created_at.desc(), Announcement.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def questions_of(session: AsyncSession, *, person_id: int) -> list[Question]:
    query = select(Question).where(Question.person_id == person_id).order_by(Question.id)
    return list((await session.execute(query)).scalars())


async def erase_questions(session: AsyncSession, *, person_id: int) -> None:
    """The person's Rückfragen, and the outbox rows that carried their words to the
    administrators (addressed to *them*, so not among the person's own deliveries)."""
    ids = select(Question.id).where(Question.person_id == person_id)
    keys = [
        f"{QUESTION_KEY_PREFIX}{question_id}"
        for question_id in (await session.execute(ids)).scalars()
    ]
    if keys:
        await session.execute(
            delete(Delivery)
            .where(Delivery.event_key.in_(keys))
            .execution_options(synchronize_session=False)
        )
    await session.execute(delete(Question).where(Question.person_id == person_id))
