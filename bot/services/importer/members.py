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
from storage.models import Membership, Organization, Person
from storage.queries.council_keys import person_by_name, unlinked_person_by_name
from storage.queries.members import open_memberships, person_by_telegram_id


async def _find(session: AsyncSession, member: MemberIn) -> Person | None:
    if member.telegram_id is None:
        return await person_by_name(session, name=member.name)
    person = await person_by_telegram_id(session, telegram_user_id=member.telegram_id)
    if person is None:
        person = await unlinked_person_by_name(session, name=member.name)
    return person


async def apply_members(
    session: AsyncSession,
    members: list[MemberIn],
    report: MemberChanges,
    *,
    organizations: dict[str, Organization],
    group_key: str,
    today: date,
) -> None:
    group = organizations[group_key] if members else None
    for member in members:
        key = str(member.telegram_id) if member.telegram_id is not None else member.name
        faction = organizations[member.faction] if member.faction else None
        department = organizations[member.department] if member.department else None
        person = await _find(session, member)
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
            await session.flush()
            report.created.append(EntityRef(MEMBER, person.id, key, member.name))
        else:
            given = member.model_fields_set
            changes: list[FieldChange] = []
            assign(person, "name", member.name, changes)
            if member.telegram_id is not None:
                assign(person, "telegram_user_id", member.telegram_id, changes)
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
        assert group is not None
        if not await open_memberships(session, person_id=person.id, group_key=group_key):
            session.add(Membership(person_id=person.id, organization_id=group.id, start_date=today))
            if not any(ref.id == person.id for ref in report.created):
                report.admitted.append(EntityRef(MEMBER, person.id, key, member.name))
        if person.telegram_user_id is None:
            report.uninvited.append(person.name)
