"""Membership administration: roles, ending memberships, the member list, start-up admins.

`now` is aware and in the configured time zone (`Runtime.now()`): its date is the local day
on which a membership starts or ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowed, UserError
from storage.models import Membership, Organization, OrganizationKind, Person
from storage.queries import audit
from storage.queries.invites import invites_for
from storage.queries.members import (
    active_members,
    count_admins,
    open_memberships,
    organization_by_key,
    person_by_id,
    person_by_telegram_id,
)
from storage.queries.organizations import lock_organization


def require_admin(actor: Person | None) -> None:
    """`None` is the shell (the IT person running the installation)."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed()


async def current_member(
    session: AsyncSession, *, person_id: int, group_key: str, today: date
) -> Person:
    """A current member by id, or a UserError (e.g. for a stale or forged button)."""
    members = await active_members(session, group_key=group_key, today=today)
    for person in members:
        if person.id == person_id:
            return person
    raise UserError("members.not_found")


async def set_admin(
    session: AsyncSession,
    *,
    actor: Person | None,
    person_id: int,
    admin: bool,
    group_key: str,
    now: datetime,
) -> Person:
    require_admin(actor)
    await lock_organization(session, key=group_key)  # two demotions at once: one is refused
    person = await current_member(
        session, person_id=person_id, group_key=group_key, today=now.date()
    )
    if person.is_admin == admin:
        return person
    if not admin and await count_admins(session, group_key=group_key, today=now.date()) <= 1:
        raise UserError("members.last_admin")
    person.is_admin = admin
    await audit.record(
        session,
        actor=actor,
        action="promote" if admin else "demote",
        detail=f"{'made' if admin else 'took administrator rights from'} {person.name}"
        + (" administrator" if admin else ""),
        data={"person_id": person.id},
        at=now,
    )
    return person


async def end_membership(
    session: AsyncSession,
    *,
    actor: Person | None,
    person_id: int,
    group_key: str,
    now: datetime,
    action: str = "remove",
) -> Person:
    """End the person's membership today: access and calendar feed stop at once."""
    if actor is None or actor.id != person_id:
        require_admin(actor)
    await lock_organization(session, key=group_key)  # see set_admin
    person = await current_member(
        session, person_id=person_id, group_key=group_key, today=now.date()
    )
    if person.is_admin and await count_admins(session, group_key=group_key, today=now.date()) <= 1:
        raise UserError("members.last_admin")
    for membership in await open_memberships(session, person_id=person.id, group_key=group_key):
        # A membership that starts today ends today too; start > end would be nonsense.
        membership.end_date = max(now.date(), membership.start_date)
    person.calendar_secret_hash = None
    for invite in await invites_for(session, person_id=person.id):
        if invite.used_at is None and invite.revoked_at is None:
            invite.revoked_at = now
    await audit.record(
        session,
        actor=actor,
        action=action,
        detail=f"ended the membership of {person.name}",
        data={"person_id": person.id},
        at=now,
    )
    return person


@dataclass(frozen=True)
class FactionGroup:
    faction: Organization | None  # None: members without a faction (e.g. administration)
    members: list[Person]


async def member_overview(
    session: AsyncSession, *, actor: Person | None, group_key: str, now: datetime
) -> list[FactionGroup]:
    """Current members grouped by faction (factions by name, no faction last)."""
    require_admin(actor)
    members = await active_members(session, group_key=group_key, today=now.date())
    by_faction: dict[int | None, list[Person]] = {}
    factions: dict[int, Organization] = {}
    for person in members:
        key = person.faction.id if person.faction else None
        by_faction.setdefault(key, []).append(person)
        if person.faction:
            factions[person.faction.id] = person.faction
    ordered = sorted(factions.values(), key=lambda faction: faction.name)
    groups = [FactionGroup(faction, by_faction[faction.id]) for faction in ordered]
    if None in by_faction:
        groups.append(FactionGroup(None, by_faction[None]))
    return groups


async def ensure_admins(
    session: AsyncSession, *, telegram_ids: list[int], group_key: str, now: datetime
) -> list[Person]:
    """GREMIENBOT_ADMINS: make these accounts administrators, creating them if needed.

    A fresh installation thus has someone who can send the first invitations.
    """
    group = await organization_by_key(session, key=group_key)
    if group is None:
        group = Organization(key=group_key, name="Lenkungsgruppe", kind=OrganizationKind.COMMITTEE)
        session.add(group)
        await session.flush()
    admins = []
    for telegram_id in telegram_ids:
        person = await person_by_telegram_id(session, telegram_user_id=telegram_id)
        if person is None:
            person = Person(name=f"Administrator {telegram_id}", telegram_user_id=telegram_id)
            session.add(person)
            await session.flush()
        if not await open_memberships(session, person_id=person.id, group_key=group_key):
            session.add(Membership(person=person, organization_id=group.id, start_date=now.date()))
        if not person.is_admin:
            person.is_admin = True
            await audit.record(
                session,
                actor=None,
                action="promote",
                detail=f"made {person.name} administrator (GREMIENBOT_ADMINS)",
                at=now,
            )
        admins.append(person)
    await session.flush()
    return admins


async def find_person(session: AsyncSession, *, person_id: int) -> Person:
    person = await person_by_id(session, person_id=person_id)
    if person is None:
        raise UserError("members.not_found")
    return person
