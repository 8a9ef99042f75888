"""A member's own preferences: language, which notices they want, reminder lead times and
quiet hours (/einstellungen).

Every setter takes the value to set (never "flip"), so pressing an old button twice gives the
same result, and rejects anything but the offered choices (buttons are untrusted input).
Broadcasts from the administration are not affected by these settings; quiet hours make
messages arrive silently, they never hold them back.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UserError
from bot.i18n import LANGUAGES
from bot.services.notices.recipients import Preference
from bot.values.reminders import LEAD_PRESETS, QUIET_PRESETS, leads_of
from storage.models import Person

_FLAGS = {
    Preference.PAPERS: "notify_papers",
    Preference.MEETINGS: "notify_meetings",
    Preference.REMINDERS: "notify_reminders",
}


async def _stored(session: AsyncSession, person: Person) -> Person:
    """The person's row in this session, freshly loaded (the caller's copy may be older)."""
    stored = await session.get(Person, person.id, populate_existing=True)
    if stored is None:
        raise UserError("members.not_found")
    return stored


async def set_language(session: AsyncSession, *, person: Person, language: str) -> Person:
    if language not in LANGUAGES:
        raise UserError("language.unknown")
    stored = await _stored(session, person)
    stored.language = language
    return stored


async def set_notices(session: AsyncSession, *, person: Person, kind: str, enabled: bool) -> Person:
    """Switch one kind of notice (papers, meetings, reminders) on or off."""
    try:
        flag = _FLAGS[Preference(kind)]
    except ValueError:
        raise UserError("preferences.unknown_choice") from None
    stored = await _stored(session, person)
    setattr(stored, flag, enabled)
    return stored


async def set_reminder_lead(
    session: AsyncSession, *, person: Person, lead: int, enabled: bool
) -> Person:
    """Add or remove one of the offered reminder lead times (several may be chosen)."""
    if lead not in LEAD_PRESETS:
        raise UserError("preferences.unknown_choice")
    stored = await _stored(session, person)
    leads = set(leads_of(stored.reminder_minutes))
    if enabled:
        leads.add(lead)
    else:
        leads.discard(lead)
    # A fresh list: the JSON column notices assignment, not changes inside the old list.
    stored.reminder_minutes = sorted(leads)
    return stored


async def set_quiet_hours(session: AsyncSession, *, person: Person, preset: str) -> Person:
    if preset not in QUIET_PRESETS:
        raise UserError("preferences.unknown_choice")
    window = QUIET_PRESETS[preset]
    stored = await _stored(session, person)
    stored.quiet_start, stored.quiet_end = window if window else (None, None)
    return stored
