"""Feed change counters: every write a feed could show raises its scope in the same
transaction (ORM flushes and bulk statements alike); a rolled-back change raises nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.feed_versions import COUNCIL, PEOPLE, person_scope
from storage.models import Meeting, MeetingKind, Organization, OrganizationKind, Person
from storage.queries.feed_versions import feed_versions

Sessions = async_sessionmaker[AsyncSession]


async def _counters(sessions: Sessions, *scopes: str) -> tuple[int, ...]:
    async with sessions() as session:
        return await feed_versions(session, scopes=list(scopes))


async def test_every_kind_of_write_raises_its_scope(sessions: Sessions) -> None:
    before = await _counters(sessions, COUNCIL, PEOPLE)
    async with sessions.begin() as session:
        committee = Organization(key="ka", name="Kreistag", kind=OrganizationKind.COMMITTEE)
        person = Person(name="Anna Beispiel")
        session.add_all([committee, person])
        await session.flush()
        session.add(
            Meeting(
                key="m1",
                organization_id=committee.id,
                kind=MeetingKind.SESSION,
                name="Sitzung",
                start=datetime(2031, 7, 5, 12, tzinfo=UTC),
            )
        )
    person_id = person.id
    council, _people = await _counters(sessions, COUNCIL, PEOPLE)
    assert council == before[0] + 1  # once per transaction, however many rows
    (person_version,) = await _counters(sessions, person_scope(person_id))
    assert person_version == 0  # a new person raises "people": no feed of theirs was cached

    async with sessions.begin() as session:  # an ORM change of one person: that person only
        row = await session.get(Person, person_id)
        assert row is not None
        row.language = "en"
    assert await _counters(sessions, COUNCIL, person_scope(person_id)) == (
        council,
        person_version + 1,
    )

    async with sessions.begin() as session:  # a bulk statement: the whole table's scope
        await session.execute(update(Meeting).values(location="Kreishaus"))
        await session.execute(update(Person).values(telegram_language="de"))
    assert await _counters(sessions, COUNCIL) == (council + 1,)
    assert (await _counters(sessions, PEOPLE))[0] > _people

    async with sessions() as session:  # rolled back: nothing raised
        await session.execute(update(Meeting).values(location="Anderswo"))
        await session.rollback()
    assert await _counters(sessions, COUNCIL) == (council + 1,)

    async with sessions() as session:  # reading changes nothing
        await session.get(Meeting, 1)
        await session.commit()
    assert await _counters(sessions, COUNCIL) == (council + 1,)
