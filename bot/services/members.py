"""Membership administration: roles, ending memberships, the member list, start-up admins.

`now` is aware and in the configured time zone (`Runtime.now()`): its date is the local day
on which a membership starts or ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import NotAllowed, UserError
from bot.i18n import person_language, t
from bot.services.outbox import Notice, enqueue, enqueue_many
from storage.models import Membership, Organization, OrganizationKind, Person
from storage.queries import audit
from storage.queries.invites import invites_for
from storage.queries.members import (
    active_members,
    current_admins,
    departments,
    lock_admins,
    open_memberships,
    organization_by_key,
    person_by_id,
    person_by_telegram_id,
    reload_person,
)
from storage.queries.organizations import by_id


def require_admin(actor: Person | None) -> None:
    """`None` is the shell (the IT person running the installation)."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed()


async def admin_in(session: AsyncSession, actor: Person | None) -> Person | None:
    """The acting administrator as stored now, loaded inside the service's own transaction:
    a `Person` from an earlier session may carry rights taken away since. `None` is the
    shell."""
    if actor is None:
        return None
    current = await reload_person(session, person_id=actor.id)
    if current is None or current.erased_at is not None or not current.is_admin:
        raise NotAllowed()
    return current


async def _guard_last_admin(
    session: AsyncSession, *, person: Person, group_key: str, now: datetime
) -> None:
    """Refuse to leave the group without an administrator; counts locked rows."""
    admins = await lock_admins(session, group_key=group_key, today=now.date())
    if person.id in admins and len(admins) <= 1:
        raise UserError("members.last_admin")


def home_name(person: Person) -> str | None:
    """The faction or department a member belongs to, for telling two members apart."""
    home = person.department or person.faction
    return home.name if home else None


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
    actor = await admin_in(session, actor)
    person = await current_member(
        session, person_id=person_id, group_key=group_key, today=now.date()
    )
    if not admin:
        await _guard_last_admin(session, person=person, group_key=group_key, now=now)
        await session.refresh(person)
    if person.is_admin == admin:
        return person
    person.is_admin = admin
    await audit.record(
        session,
        actor=actor,
        action="promote" if admin else "demote",
        subject=person.name,
        data={"person_id": person.id, "faction": home_name(person)},
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
        actor = await admin_in(session, actor)
    person = await current_member(
        session, person_id=person_id, group_key=group_key, today=now.date()
    )
    await _guard_last_admin(session, person=person, group_key=group_key, now=now)
    # A former member keeps no rights (and is no longer counted by the guard above).
    person.is_admin = False
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
        subject=person.name,
        data={"person_id": person.id, "faction": home_name(person)},
        at=now,
    )
    return person


async def set_department(
    session: AsyncSession,
    *,
    actor: Person | None,
    person_id: int,
    now: datetime,
    department_key: str | None = None,
    department_id: int | None = None,
) -> Person:
    """Make a member part of the administration (a department, by key or id; the faction is
    dropped: a member has one or the other, never both), or take the department away."""
    actor = await admin_in(session, actor)
    person = await find_person(session, person_id=person_id)
    department = None
    if department_key:
        department = await organization_by_key(session, key=department_key)
        if department is None or department.kind != OrganizationKind.DEPARTMENT:
            raise UserError("invites.unknown_department", key=department_key)
    elif department_id is not None:
        department = await by_id(
            session, organization_id=department_id, kind=OrganizationKind.DEPARTMENT
        )
        if department is None:
            raise UserError("access.bad_button")
    if (person.department_id, person.faction_id) == (
        department.id if department else None,
        None if department else person.faction_id,
    ):
        return person
    person.department = department
    if department is not None:
        person.faction = None
    await audit.record(
        session,
        actor=actor,
        action="set_department",
        subject=person.name,
        data={"person_id": person.id, "department": department.name if department else None},
        at=now,
    )
    await session.flush()
    return person


async def department_choices(session: AsyncSession, *, actor: Person | None) -> list[Organization]:
    """The departments a member of the administration can belong to, by name."""
    await admin_in(session, actor)
    return await departments(session)


async def remove_member(
    session: AsyncSession,
    *,
    actor: Person | None,
    person_id: int,
    group_key: str,
    now: datetime,
    default_language: str,
) -> Person:
    """An administrator ends someone's membership; the farewell note to them is written to
    the outbox in the same transaction."""
    person = await end_membership(
        session, actor=actor, person_id=person_id, group_key=group_key, now=now
    )
    await _tell(
        session,
        person,
        "members.farewell",
        event_key=f"farewell:{person.id}:{now.date().isoformat()}",
        default_language=default_language,
    )
    return person


async def _tell(
    session: AsyncSession, person: Person, key: str, *, event_key: str, default_language: str
) -> None:
    """A note to the person concerned, through the outbox (a person never linked gets none)."""
    if person.telegram_user_id is None:
        return
    await enqueue(
        session,
        event_key=event_key,
        chat_id=int(person.telegram_user_id),
        kind=key,
        text=t(person_language(person, default_language), key),
        person_id=person.id,
        combinable=False,
    )


async def change_admin(
    session: AsyncSession,
    *,
    actor: Person | None,
    person_id: int,
    admin: bool,
    group_key: str,
    now: datetime,
    default_language: str,
) -> Person:
    """`set_admin`, and the note to the person concerned through the outbox."""
    before = (
        await current_member(session, person_id=person_id, group_key=group_key, today=now)
    ).is_admin
    person = await set_admin(
        session, actor=actor, person_id=person_id, admin=admin, group_key=group_key, now=now
    )
    if person.is_admin != before:
        await _tell(
            session,
            person,
            "members.you_are_admin" if admin else "members.you_are_no_admin",
            event_key=f"admin:{person.id}:{int(admin)}:{now.isoformat()}",
            default_language=default_language,
        )
    return person


async def tell_admins_left(
    session: AsyncSession, *, name: str, person_id: int, group_key: str, now: datetime, default: str
) -> int:
    """'Anna Beispiel ist ausgetreten' to every current administrator, through the outbox."""
    notices = []
    for admin in await current_admins(session, group_key=group_key, today=now.date()):
        if admin.id == person_id or admin.telegram_user_id is None:
            continue
        language = person_language(admin, default)
        notices.append(
            Notice(
                event_key=f"left:{person_id}",
                chat_id=int(admin.telegram_user_id),
                kind="members.left",
                text=t(language, "privacy.admin_notice", name=name),
                person_id=admin.id,
            )
        )
    await enqueue_many(session, notices)
    return len(notices)


class Section(StrEnum):
    FACTION = "faction"
    ADMINISTRATION = "administration"  # members with a department (Verwaltung)
    OTHERS = "others"  # neither faction nor department (e.g. an external expert)


@dataclass(frozen=True)
class FactionGroup:
    section: Section
    faction: Organization | None  # the faction of a FACTION group
    members: list[Person]


@dataclass(frozen=True)
class MemberOverview:
    groups: list[FactionGroup]
    unlinked: list[Person]  # current members who never linked their Telegram account

    def __iter__(self) -> Iterator[FactionGroup]:
        return iter(self.groups)


async def member_overview(
    session: AsyncSession, *, actor: Person | None, group_key: str, now: datetime
) -> MemberOverview:
    """Current members grouped by faction (by name), then the administration ("Verwaltung",
    members with a department), then the others ("Weitere")."""
    await admin_in(session, actor)
    members = await active_members(session, group_key=group_key, today=now.date())
    by_faction: dict[int, list[Person]] = {}
    factions: dict[int, Organization] = {}
    administration: list[Person] = []
    others: list[Person] = []
    for person in members:
        if person.department_id is not None:
            administration.append(person)
        elif person.faction is not None:
            by_faction.setdefault(person.faction.id, []).append(person)
            factions[person.faction.id] = person.faction
        else:
            others.append(person)
    ordered = sorted(factions.values(), key=lambda faction: faction.name.casefold())
    groups = [FactionGroup(Section.FACTION, f, by_faction[f.id]) for f in ordered]
    if administration:
        groups.append(FactionGroup(Section.ADMINISTRATION, None, administration))
    if others:
        groups.append(FactionGroup(Section.OTHERS, None, others))
    unlinked = [person for person in members if person.telegram_user_id is None]
    return MemberOverview(groups, unlinked)


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
                actor_name=audit.CONFIG_ACTOR,
                action="promote",
                subject=person.name,
                data={"person_id": person.id, "configured": True},
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
