"""Personal feed secrets and the feed URLs written into messages.

The secret is a random URL-safe token shown to the member once; only its SHA-256 is kept
(Person.calendar_secret_hash). A feed request is looked up by that hash, so the secret is
never compared character by character against stored values.
"""

from __future__ import annotations

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.services.invites import hash_token
from storage.models import Person

# 32 random bytes → 43 characters of A-Za-z0-9_-.
SECRET_BYTES = 32
FEED_PATH = "/calendar"
PUBLIC_FEED_NAME = "public"


async def _own_row(session: AsyncSession, person: Person) -> Person:
    """The person as a row of this session (the caller's copy may come from another one)."""
    row = await session.get(Person, person.id)
    if row is None or row.erased_at is not None:
        raise UserError("calendar.not_a_member")
    return row


async def issue_calendar_secret(session: AsyncSession, *, person: Person) -> str:
    """Create or rotate the member's feed secret; return the plain secret (shown once).

    Runs in the caller's transaction (`sessions.begin()`); when it commits, the previous
    secret stops working at once, since only the new hash is stored.
    """
    row = await _own_row(session, person)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    row.calendar_secret_hash = person.calendar_secret_hash = hash_token(secret)
    await session.flush()
    return secret


async def revoke_calendar_secret(session: AsyncSession, *, person: Person) -> None:
    """Switch the member's personal feed off (in the caller's transaction)."""
    row = await _own_row(session, person)
    row.calendar_secret_hash = person.calendar_secret_hash = None
    await session.flush()


def _feed_url(settings: Settings, name: str) -> str:
    return f"{settings.feed_base_url}{FEED_PATH}/{name}.ics"


def webcal_url(url: str) -> str:
    """The same feed as webcal:// (phones open it straight in the calendar app)."""
    return "webcal://" + url.split("://", 1)[1]


def personal_feed_urls(settings: Settings, secret: str) -> tuple[str, str]:
    """(http(s) URL, webcal URL) of a member's personal feed."""
    url = _feed_url(settings, secret)
    return url, webcal_url(url)


def public_feed_url(settings: Settings) -> str:
    return _feed_url(settings, PUBLIC_FEED_NAME)


def committee_feed_url(settings: Settings, committee_key: str) -> str:
    return _feed_url(settings, committee_key)
