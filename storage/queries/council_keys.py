"""Look-ups of council data by the import file's keys (organization and meeting keys, paper
references), used by the importer to check references and to upsert."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.models import Body, Meeting, Organization, Paper, Person


async def body_by_key(session: AsyncSession, *, key: str) -> Body | None:
    return (await session.execute(select(Body).where(Body.key == key))).scalar_one_or_none()


async def organizations_by_keys(
    session: AsyncSession, *, keys: Collection[str]
) -> dict[str, Organization]:
    if not keys:
        return {}
    query = select(Organization).where(Organization.key.in_(keys))
    return {org.key: org for org in (await session.execute(query)).scalars()}


async def meetings_by_keys(session: AsyncSession, *, keys: Collection[str]) -> dict[str, Meeting]:
    """Meetings with their agenda items loaded."""
    if not keys:
        return {}
    query = select(Meeting).where(Meeting.key.in_(keys)).options(selectinload(Meeting.agenda_items))
    return {meeting.key: meeting for meeting in (await session.execute(query)).unique().scalars()}


async def papers_by_references(
    session: AsyncSession, *, references: Collection[str]
) -> dict[str, Paper]:
    """Papers with their consultations loaded."""
    if not references:
        return {}
    query = (
        select(Paper)
        .where(Paper.reference.in_(references))
        .options(selectinload(Paper.consultations))
    )
    return {paper.reference: paper for paper in (await session.execute(query)).unique().scalars()}


async def unlinked_person_by_name(session: AsyncSession, *, name: str) -> Person | None:
    """The oldest not-erased person of this name without a Telegram link (e.g. invited)."""
    query = (
        select(Person)
        .where(Person.name == name, Person.telegram_user_id.is_(None), Person.erased_at.is_(None))
        .order_by(Person.id)
        .limit(1)
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def person_by_name(session: AsyncSession, *, name: str) -> Person | None:
    """The oldest not-erased person of this name, linked or not."""
    query = (
        select(Person)
        .where(Person.name == name, Person.erased_at.is_(None))
        .order_by(Person.id)
        .limit(1)
    )
    return (await session.execute(query)).unique().scalar_one_or_none()


async def existing_keys(
    session: AsyncSession,
    *,
    organizations: Collection[str],
    papers: Collection[str],
    meetings: Collection[str],
) -> tuple[dict[str, str], set[str], set[str]]:
    """Which of these keys the database holds: organization kinds by key, paper references,
    meeting keys (for checking an import file's references before anything is written)."""
    kinds: dict[str, str] = {}
    if organizations:
        query = select(Organization.key, Organization.kind).where(
            Organization.key.in_(organizations)
        )
        kinds = {key: str(kind) for key, kind in (await session.execute(query)).all()}
    found_papers: set[str] = set()
    if papers:
        query_papers = select(Paper.reference).where(Paper.reference.in_(papers))
        found_papers = set((await session.execute(query_papers)).scalars())
    found_meetings: set[str] = set()
    if meetings:
        query_meetings = select(Meeting.key).where(Meeting.key.in_(meetings))
        found_meetings = set((await session.execute(query_meetings)).scalars())
    return kinds, found_papers, found_meetings


async def meeting_keys_by_ids(session: AsyncSession, *, ids: Collection[int]) -> dict[int, str]:
    if not ids:
        return {}
    query = select(Meeting.id, Meeting.key).where(Meeting.id.in_(ids))
    return {meeting_id: key for meeting_id, key in (await session.execute(query)).all()}
