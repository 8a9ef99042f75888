"""A member's own preferences (language; notification settings come with the notices)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.i18n import LANGUAGES
from storage.models import Person


async def set_language(session: AsyncSession, *, person: Person, language: str) -> Person:
    if language not in LANGUAGES:
        raise UserError("language.unknown")
    stored = await session.merge(person)
    stored.language = language
    return stored
