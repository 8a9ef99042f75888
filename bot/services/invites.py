"""Invitations: create a person with a single-use, expiring deep-link token; redeem it once."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.i18n import person_language, t
from bot.services.attendance.requests import ask_member
from bot.services.members import admin_in
from bot.services.outbox import Notice, enqueue_many
from storage.models import Invite, Membership, Organization, OrganizationKind, Person
from storage.queries import audit
from storage.queries.invites import claim_invite, invite_by_hash, invites_for
from storage.queries.members import (
    active_members,
    current_admins,
    members_named,
    organization_by_key,
    person_by_telegram_id,
    unlinked_members,
)

# 24 random bytes → 32 characters of A-Za-z0-9_-: fits Telegram's 64-character start payload.
TOKEN_BYTES = 24
MAX_NAME_LENGTH = 100
MIN_LETTERS = 2


def hash_token(token: str) -> str:
    """What is stored of a bearer token (invitations, calendar feed secrets): never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def deep_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


@dataclass(frozen=True)
class CreatedInvite:
    person: Person
    token: str  # shown once; only its hash is stored
    expires_at: datetime


def clean_name(name: str) -> str:
    """A person's name: whitespace collapsed, no control or invisible format characters,
    at least two letters (so "-" or "?" is refused), at most MAX_NAME_LENGTH characters."""
    if any(unicodedata.category(char) in ("Cc", "Cf") and not char.isspace() for char in name):
        raise UserError("invites.name_control")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserError("invites.name_empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UserError("invites.name_too_long", limit=MAX_NAME_LENGTH)
    if sum(1 for char in cleaned if char.isalpha()) < MIN_LETTERS:
        raise UserError("invites.name_letters")
    return cleaned


@dataclass(frozen=True)
class NameCheck:
    """A checked name and the current members who already have it (to warn before a second
    "Anna Beispiel" is invited); `home` is each one's faction or department, if any."""

    name: str
    same: list[tuple[Person, str | None]]


async def check_new_name(
    session: AsyncSession, *, name: str, group_key: str, today: date
) -> NameCheck:
    """Validate a name for an invitation and find members of the same name (the /einladen
    dialogue and `gremienbot invite` ask before going on)."""
    cleaned = clean_name(name)
    same = await members_named(session, name=cleaned, group_key=group_key, today=today)
    return NameCheck(cleaned, [(person, _home(person)) for person in same])


def _home(person: Person) -> str | None:
    home = person.department or person.faction
    return home.name if home else None


async def _organization(
    session: AsyncSession, key: str, kind: OrganizationKind, error: str
) -> Organization:
    organization = await organization_by_key(session, key=key)
    if organization is None or organization.kind != kind:
        raise UserError(error, key=key)
    return organization


async def create_invite(
    session: AsyncSession,
    *,
    actor: Person | None,
    name: str,
    group_key: str,
    now: datetime,
    ttl: timedelta,
    faction_key: str | None = None,
    function: str | None = None,
    admin: bool = False,
    department_key: str | None = None,
) -> CreatedInvite:
    """Create the person, their membership in the group and an invitation for them. A member
    has a faction, a department (administration) or neither, never both."""
    actor = await admin_in(session, actor)
    name = clean_name(name)
    group = await organization_by_key(session, key=group_key)
    if group is None:
        raise UserError("invites.no_group", key=group_key)
    if faction_key and department_key:
        raise UserError("invites.faction_and_department")
    faction = department = None
    if faction_key:
        known = await organization_by_key(session, key=faction_key)
        if known is not None and known.kind == OrganizationKind.DEPARTMENT:
            raise UserError("invites.department_as_faction", key=faction_key)
        faction = await _organization(
            session, faction_key, OrganizationKind.FACTION, "invites.unknown_faction"
        )
    if department_key:
        department = await _organization(
            session, department_key, OrganizationKind.DEPARTMENT, "invites.unknown_department"
        )
    person = Person(
        name=name,
        faction=faction,
        department=department,
        function=" ".join(function.split()) if function else None,
        is_admin=admin,
    )
    session.add(person)
    session.add(Membership(person=person, organization_id=group.id, start_date=now.date()))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    await session.flush()
    session.add(
        Invite(
            token_hash=hash_token(token),
            person_id=person.id,
            created_by_id=actor.id if actor else None,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await audit.record(
        session,
        actor=actor,
        action="invite",
        subject=name,
        data={
            "person_id": person.id,
            "admin": admin,
            "faction": faction.name if faction else None,
            "department": department.name if department else None,
        },
        at=now,
    )
    return CreatedInvite(person=person, token=token, expires_at=now + ttl)


async def redeem_invite(
    session: AsyncSession,
    *,
    token: str,
    telegram_user_id: int,
    telegram_username: str | None,
    telegram_language: str | None,
    now: datetime,
    settings: Settings | None = None,
) -> Person:
    """Link the Telegram account to the invited person; refuse anything but a fresh token.

    With `settings`, the current administrators are told and the new member gets the open
    attendance requests of upcoming meetings at once, through the outbox (in this transaction)."""
    invite = await invite_by_hash(session, token_hash=hash_token(token))
    if invite is None:
        raise UserError("invites.unknown")
    if invite.used_at is not None:
        raise UserError("invites.used")
    if invite.revoked_at is not None:
        raise UserError("invites.revoked")
    if invite.expires_at <= now:
        raise UserError("invites.expired")
    person = invite.person
    if person.erased_at is not None:
        raise UserError("invites.revoked")
    existing = await person_by_telegram_id(session, telegram_user_id=telegram_user_id)
    if existing is not None and existing.id != person.id:
        raise UserError("invites.account_taken")
    if not await claim_invite(session, invite_id=invite.id, now=now):
        raise UserError("invites.used")
    person.telegram_user_id = telegram_user_id
    person.telegram_username = telegram_username
    person.telegram_language = telegram_language
    person.reachable = True
    person.unreachable_reason = None
    await audit.record(
        session,
        actor=person,
        action="join",
        subject=person.name,
        data={"person_id": person.id, "faction": _home(person)},
        at=now,
    )
    if settings is not None:
        await _tell_admins_joined(
            session, person=person, group_key=settings.group_key, now=now, default=settings.language
        )
        await session.flush()
        # A moment later, so the welcome (sent directly) comes first.
        later = now + timedelta(seconds=2)
        await ask_member(session, person=person, now=now, settings=settings, not_before=later)
    return person


async def _tell_admins_joined(
    session: AsyncSession, *, person: Person, group_key: str, now: datetime, default: str
) -> None:
    """'Anna Beispiel (SPD-Fraktion) hat die Einladung angenommen.' to every administrator."""
    admins = await current_admins(session, group_key=group_key, today=now.date())
    notices = []
    for admin in admins:
        if admin.id == person.id or admin.telegram_user_id is None:
            continue
        language = person_language(admin, default)
        home = _home(person)
        notices.append(
            Notice(
                event_key=f"joined:{person.id}:{person.telegram_user_id}",
                chat_id=int(admin.telegram_user_id),
                kind="members.joined",
                text=t(
                    language,
                    "members.joined_notice",
                    name=person.name,
                    home=t(language, "members.home", name=home) if home else "",
                ),
                person_id=admin.id,
            )
        )
    await enqueue_many(session, notices)


async def reissue_invite(
    session: AsyncSession, *, actor: Person | None, person: Person, now: datetime, ttl: timedelta
) -> CreatedInvite:
    """A new link for a member who has not linked yet (or whose account refuses messages:
    blocked or deactivated); earlier open links stop working."""
    actor = await admin_in(session, actor)
    if person.telegram_user_id is not None and person.reachable:
        raise UserError("invites.already_linked", name=person.name)
    for invite in await invites_for(session, person_id=person.id):
        if invite.used_at is None and invite.revoked_at is None:
            invite.revoked_at = now
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        Invite(
            token_hash=hash_token(token),
            person_id=person.id,
            created_by_id=actor.id if actor else None,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await audit.record(
        session,
        actor=actor,
        action="reinvite",
        subject=person.name,
        data={"person_id": person.id, "faction": _home(person)},
        at=now,
    )
    return CreatedInvite(person=person, token=token, expires_at=now + ttl)


async def reissue_all(
    session: AsyncSession,
    *,
    actor: Person | None,
    group_key: str,
    now: datetime,
    ttl: timedelta,
    person_ids: list[int] | None = None,
) -> list[CreatedInvite]:
    """New links for every current member who never linked (or those of them in
    `person_ids`, e.g. the unreachable of a broadcast report); old open links are withdrawn."""
    actor = await admin_in(session, actor)
    if person_ids is None:
        members = await unlinked_members(session, group_key=group_key, today=now.date())
    else:
        wanted = set(person_ids)
        members = [
            person
            for person in await active_members(session, group_key=group_key, today=now.date())
            if person.id in wanted and (person.telegram_user_id is None or not person.reachable)
        ]
    return [
        await reissue_invite(session, actor=actor, person=person, now=now, ttl=ttl)
        for person in members
    ]
