"""What is stored about one person, and erasing it (/meine_daten, /austreten)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Attendance, Delivery, Invite


async def attendances_of(session: AsyncSession, *, person_id: int) -> list[Attendance]:
    query = select(Attendance).where(Attendance.person_id == person_id).order_by(Attendance.id)
    return list((await session.execute(query)).unique().scalars())


async def count_deliveries_to(session: AsyncSession, *, person_id: int) -> int:
    query = select(func.count()).select_from(Delivery).where(Delivery.person_id == person_id)
    return int((await session.execute(query)).scalar_one())


async def delete_personal_rows(session: AsyncSession, *, person_id: int) -> None:
    """The person's attendance answers, messages to them and invitations."""
    await session.execute(delete(Attendance).where(Attendance.person_id == person_id))
    await session.execute(delete(Delivery).where(Delivery.person_id == person_id))
    await session.execute(delete(Invite).where(Invite.person_id == person_id))
