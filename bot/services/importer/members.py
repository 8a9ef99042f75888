"""The `members` section: persons keyed by Telegram id (else by name) and their membership.

A member without `telegram_id` is created unlinked and invited later; a member with one is
found by it, or else the unlinked person of that name (e.g. invited earlier) is linked.
Fields left out of the file keep what the person has (an administrator made one in the chat
stays one); `function: null` clears a function explicitly.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.importer.diff import assign, assign_organization
from bot.services.importer.report import (
    MEMBER,
    EntityChange,
    EntityRef,
    FieldChange,
    MemberChanges,
)
from bot.services.importer.schema import MemberIn
from storage.models import Organization, Person
from storage.queries.member_import import (
    add_memberships,
    persons_by_names,
    persons_by_telegram_ids,
    persons_with_open_membership,
    reserve_person_ids,
)


class _Index:
    """The file's persons as found in the database, kept current while the file is applied
    (a person linked or created for one entry is what a later entry finds)."""

    def __init__(self, by_telegram_id: dict[int, Person], by_name: dict[str, list[Person]]):
        self.by_telegram_id = by_telegram_id
        self.by_name = by_name

    def find(self, member: MemberIn) -> Person | None:
        named = self.by_name.get(member.name, [])
        if member.telegram_id is None:
            return named[0] if named else None  # the oldest of this name, linked or not
        person = self.by_telegram_id.get(member.telegram_id)
        if person is None:  # else the oldest unlinked person of this name (e.g. invited)
            person = next((p for p in named if p.telegram_user_id is None), None)
        return person

    def add(self, person: Person) -> None:
        self.by_name.setdefault(person.name, []).append(person)
        if person.telegram_user_id is not None:
            self.by_telegram_id[person.telegram_user_id] = person


async def apply_members(
    session: AsyncSession,
    members: list[MemberIn],
    report: MemberChanges,
    *,
    organizations: dict[str, Organization],
    group_key: str,
    today: date,
) -> None:
    """Upsert the members in bulk: three look-ups for the whole file, one flush for all new
    persons and one for their memberships; the report lists them in the file's order."""
    if not members:
        return
    group = organizations[group_key]
    index = _Index(
        await persons_by_telegram_ids(
            session,
            telegram_user_ids={m.telegram_id for m in members if m.telegram_id is not None},
        ),
        await persons_by_names(session, names={m.name for m in members}),
    )
    in_group = await persons_with_open_membership(session, group_key=group_key)
    created: list[tuple[Person, str]] = []
    admit: list[tuple[Person, str, bool]] = []  # person, report key, newly created
    for member in members:
        key = str(member.telegram_id) if member.telegram_id is not None else member.name
        faction = organizations[member.faction] if member.faction else None
        department = organizations[member.department] if member.department else None
        person = index.find(member)
        if person is None:
            person = Person(
                name=member.name,
                telegram_user_id=member.telegram_id,
                faction=faction,
                department=department,
                function=member.function,
                is_admin=member.admin,
            )
            session.add(person)
            index.add(person)
            created.append((person, key))
            admit.append((person, key, True))
        else:
            given = member.model_fields_set
            changes: list[FieldChange] = []
            assign(person, "name", member.name, changes)
            if member.telegram_id is not None:
                assign(person, "telegram_user_id", member.telegram_id, changes)
                index.by_telegram_id[member.telegram_id] = person
            if "faction" in given:
                assign_organization(person, "faction", faction, changes)
                if faction is not None and "department" not in given:
                    assign_organization(person, "department", None, changes)  # never both
            if "department" in given:
                assign_organization(person, "department", department, changes)
                if department is not None and "faction" not in given:
                    assign_organization(person, "faction", None, changes)
            if "function" in given:
                assign(person, "function", member.function, changes)
            if "admin" in given:
                assign(person, "is_admin", member.admin, changes)
            if changes:
                report.changed.append(
                    EntityChange(MEMBER, person.id, key, member.name, tuple(changes))
                )
            if person.id not in in_group:
                in_group.add(person.id)
                admit.append((person, key, False))
        if person.telegram_user_id is None:
            report.uninvited.append(person.name)
    # Ids given up front: the flush then inserts all new persons in one batch.
    # (Without autoflush: the new persons must not be flushed before they have their ids.)
    with session.no_autoflush:
        person_ids = await reserve_person_ids(session, count=len(created))
    for (person, _key), person_id in zip(created, person_ids, strict=True):
        person.id = person_id
    await session.flush()
    for person, key in created:
        report.created.append(EntityRef(MEMBER, person.id, key, person.name))
    await add_memberships(
        session,
        person_ids=[person.id for person, _key, _new in admit],
        organization_id=group.id,
        start_date=today,
    )
    report.admitted.extend(
        EntityRef(MEMBER, person.id, key, person.name) for person, key, new in admit if not new
    )
