"""Invitations: create a person with a single-use, expiring deep-link token; redeem it once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import NotAllowed, UserError
from bot.services.attendance.requests import ask_member
from storage.models import Invite, Membership, Person
from storage.queries import audit
from storage.queries.invites import invite_by_hash, invites_for
from storage.queries.members import organization_by_key, person_by_telegram_id

# 24 random bytes → 32 characters of A-Za-z0-9_-: fits Telegram's 64-character start payload.
TOKEN_BYTES = 24
MAX_NAME_LENGTH = 100


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


def _require_admin(actor: Person | None) -> None:
    """`None` is the shell, whose user runs the installation; anyone else must be an admin."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed()


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise UserError("invites.name_empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise UserError("invites.name_too_long", limit=MAX_NAME_LENGTH)
    return cleaned


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
) -> CreatedInvite:
    """Create the person, their membership in the group and an invitation for them."""
    _require_admin(actor)
    name = clean_name(name)
    group = await organization_by_key(session, key=group_key)
    if group is None:
        raise UserError("invites.no_group", key=group_key)
    faction = None
    if faction_key:
        faction = await organization_by_key(session, key=faction_key)
        if faction is None or faction.kind != "faction":
            raise UserError("invites.unknown_faction", key=faction_key)
    person = Person(
        name=name,
        faction=faction,
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
    role = "admin" if admin else "member"
    await audit.record(
        session,
        actor=actor,
        action="invite",
        detail=f"invited {name} ({role}, faction {faction_key or '-'})",
        data={"person_id": person.id},
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

    With `settings`, the new member gets the open attendance requests of upcoming meetings
    at once, through the outbox (in this transaction)."""
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
    # Claim the token atomically: of two accounts opening a forwarded link at the same moment,
    # only the one whose UPDATE finds it still unused gets in.
    claimed = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise UserError("invites.used")
    person.telegram_user_id = telegram_user_id
    person.telegram_username = telegram_username
    person.telegram_language = telegram_language
    person.reachable = True
    person.unreachable_reason = None
    await audit.record(
        session, actor=person, action="join", detail=f"{person.name} joined by invitation", at=now
    )
    if settings is not None:
        await session.flush()
        # A moment later, so the welcome (sent directly) comes first.
        later = now + timedelta(seconds=2)
        await ask_member(session, person=person, now=now, settings=settings, not_before=later)
    return person


async def revoke_invite(
    session: AsyncSession, *, actor: Person | None, invite: Invite, now: datetime
) -> None:
    _require_admin(actor)
    if invite.used_at is None and invite.revoked_at is None:
        invite.revoked_at = now
        await audit.record(
            session,
            actor=actor,
            action="revoke_invite",
            detail=f"revoked the invitation of {invite.person.name}",
            at=now,
        )


async def reissue_invite(
    session: AsyncSession, *, actor: Person | None, person: Person, now: datetime, ttl: timedelta
) -> CreatedInvite:
    """A new link for a member who has not linked yet; earlier open links stop working."""
    _require_admin(actor)
    if person.telegram_user_id is not None:
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
        session, actor=actor, action="invite", detail=f"new invitation for {person.name}", at=now
    )
    return CreatedInvite(person=person, token=token, expires_at=now + ttl)
