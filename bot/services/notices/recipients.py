"""Who is told: the current linked members with their language and notice settings, and the
connected group chats (which get public notices only, in the configured language)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import person_language
from storage.models import Person
from storage.queries.groups import active_groups
from storage.queries.members import active_members


class Preference(StrEnum):
    """The kinds of notice a member can switch off in /einstellungen."""

    PAPERS = "papers"  # new and changed proposals (Vorlagen)
    MEETINGS = "meetings"  # dates and changes: new, moved, cancelled meetings, agendas
    REMINDERS = "reminders"  # reminders before a meeting


@dataclass(frozen=True)
class Reader:
    """One chat a notice can go to: a member's private chat or a connected group."""

    chat_id: int
    language: str
    person: Person | None = None  # None: a group chat

    @property
    def person_id(self) -> int | None:
        return self.person.id if self.person else None

    @property
    def is_group(self) -> bool:
        return self.person is None

    def wants(self, preference: Preference) -> bool:
        if self.person is None:
            return True  # a group takes every public notice
        if preference is Preference.PAPERS:
            return self.person.notify_papers
        if preference is Preference.MEETINGS:
            return self.person.notify_meetings
        return self.person.notify_reminders


async def member_readers(
    session: AsyncSession, *, group_key: str, today: date, default_language: str
) -> list[Reader]:
    """Every current member linked to Telegram, by name."""
    members = await active_members(session, group_key=group_key, today=today, linked_only=True)
    return [
        Reader(int(person.telegram_user_id), person_language(person, default_language), person)
        for person in members
        if person.telegram_user_id is not None
    ]


async def group_readers(session: AsyncSession, *, default_language: str) -> list[Reader]:
    return [Reader(group.chat_id, default_language) for group in await active_groups(session)]
