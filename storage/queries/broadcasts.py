"""Queries about broadcasts (Rundschreiben): the delivery behind a message, reports in progress,
and whether a delivery worker is at work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Announcement, Delivery, DeliveryStatus


async def announcement_of_message(
    session: AsyncSession, *, chat_id: int, message_id: int
) -> Announcement | None:
    """The broadcast that Telegram message `message_id` in `chat_id` delivered, if any."""
    query = (
        select(Announcement)
        .join(Delivery, Delivery.announcement_id == Announcement.id)
        .where(Delivery.chat_id == chat_id, Delivery.telegram_message_id == message_id)
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def reports_in_progress(session: AsyncSession) -> list[Announcement]:
    """Broadcasts sent from the chat whose deliveries were not all settled yet."""
    query = (
        select(Announcement)
        .where(
            Announcement.report_chat_id.is_not(None),
            Announcement.report_message_id.is_not(None),
            Announcement.finished_at.is_(None),
        )
        .order_by(Announcement.id)
    )
    return list((await session.execute(query)).scalars())


async def picked_up(session: AsyncSession, *, announcement_id: int) -> bool:
    """Whether a delivery worker took up any of the broadcast's deliveries."""
    query = (
        select(Delivery.id)
        .where(
            Delivery.announcement_id == announcement_id,
            or_(Delivery.claimed_by.is_not(None), Delivery.status != DeliveryStatus.PENDING),
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None


async def live_claims(session: AsyncSession, *, now: datetime) -> bool:
    """Whether some worker holds deliveries right now (a claim whose lease has not run out)."""
    query = (
        select(Delivery.id)
        .where(
            Delivery.status == DeliveryStatus.PENDING,
            Delivery.claimed_by.is_not(None),
            Delivery.next_attempt_at > now,
        )
        .limit(1)
    )
    return (await session.execute(query)).first() is not None
