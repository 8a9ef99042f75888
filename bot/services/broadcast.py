"""Broadcasts (Vorab-Information, Rundschreiben) from the administration to an audience.

`create_broadcast` checks the sender's rights, stores the `Announcement`, writes one delivery
per recipient chat and an audit entry, all in the caller's transaction. Broadcasts are not
subject to the members' notice settings (quiet hours still make them arrive silently). The
delivery worker sends them; `bot.services.delivery.delivery_report` follows their progress.

Audiences: everyone; faction speakers (members with a faction); the administration (members
without one); one faction; the connected group(s). The sender is not sent their own broadcast.
Members not linked to Telegram yet cannot be reached; they are listed in the report.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.i18n import Html, person_language, t
from bot.services.delivery.text import visible_length, visible_text
from bot.services.members import admin_in
from bot.services.notices.recipients import Reader, group_readers
from bot.services.outbox import Document, Notice, enqueue_many
from storage.models import Announcement, Person
from storage.queries import audit
from storage.queries.members import active_members, organization_by_key

MAX_BODY = 3000  # visible characters of the text; the frame around it must still fit
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # what a bot may download from Telegram
MAX_ATTACHMENT_NAME = 255


class Audience(StrEnum):
    EVERYONE = "everyone"
    SPEAKERS = "speakers"
    ADMINISTRATION = "administration"
    FACTION = "faction"
    GROUP = "group"


@dataclass(frozen=True)
class AudienceChoice:
    """Who a broadcast goes to; `faction_key` only with Audience.FACTION."""

    audience: Audience
    faction_key: str | None = None

    @classmethod
    def parse(cls, text: str) -> AudienceChoice:
        """'everyone', 'speakers', 'administration', 'group' or 'faction:KEY'."""
        name, _, key = text.strip().partition(":")
        try:
            audience = Audience(name.lower())
        except ValueError:
            raise UserError("broadcast.unknown_audience", text=text) from None
        if (audience is Audience.FACTION) != bool(key):
            raise UserError("broadcast.unknown_audience", text=text)
        return cls(audience, key or None)

    def __str__(self) -> str:
        return f"faction:{self.faction_key}" if self.faction_key else self.audience.value


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content: bytes


@dataclass(frozen=True)
class AudienceMembers:
    readers: list[Reader]  # the chats the broadcast goes to
    unlinked: list[Person]  # in the audience, but not linked to Telegram yet
    label: str  # e.g. the faction's name (for messages)


async def resolve_audience(
    session: AsyncSession,
    *,
    choice: AudienceChoice,
    settings: Settings,
    today: date,
    exclude_person_id: int | None = None,
) -> AudienceMembers:
    """The recipients of `choice` now; UserError for an unknown faction or no group."""
    default = settings.language
    if choice.audience is Audience.GROUP:
        groups = await group_readers(session, default_language=default)
        if not groups:
            raise UserError("broadcast.no_group")
        return AudienceMembers(groups, [], "")
    label = ""
    members = await active_members(session, group_key=settings.group_key, today=today)
    if choice.audience is Audience.SPEAKERS:
        members = [
            person
            for person in members
            if person.faction_id is not None and person.department_id is None
        ]
    elif choice.audience is Audience.ADMINISTRATION:
        # The administration: the members with a department (Verwaltungsbereich).
        members = [person for person in members if person.department_id is not None]
    elif choice.audience is Audience.FACTION:
        faction = await organization_by_key(session, key=choice.faction_key or "")
        if faction is None:
            raise UserError("broadcast.unknown_faction", key=choice.faction_key or "")
        label = faction.name
        members = [person for person in members if person.faction_id == faction.id]
    members = [person for person in members if person.id != exclude_person_id]
    readers = [
        Reader(int(person.telegram_user_id), person_language(person, default), person)
        for person in members
        if person.telegram_user_id is not None
    ]
    unlinked = [person for person in members if person.telegram_user_id is None]
    return AudienceMembers(readers, unlinked, label)


def clean_body(body_html: str) -> str:
    """The text as written (Telegram HTML), stripped; refused when empty or too long."""
    body = body_html.strip()
    if not body:
        raise UserError("broadcast.empty")
    length = visible_length(body)
    if length > MAX_BODY:
        raise UserError("broadcast.too_long", length=length, limit=MAX_BODY)
    return body


def plain_body(text: str) -> str:
    """Text typed in the shell: shown as written, not interpreted as HTML."""
    return html.escape(text, quote=False)


def clean_attachment(attachment: Attachment | None) -> Attachment | None:
    if attachment is None:
        return None
    name = " ".join(attachment.file_name.replace("/", " ").replace("\\", " ").split())
    name = name[-MAX_ATTACHMENT_NAME:] or "attachment"
    if not attachment.content:
        raise UserError("broadcast.attachment_empty", name=name)
    if len(attachment.content) > MAX_ATTACHMENT_BYTES:
        raise UserError("broadcast.attachment_too_big", name=name, limit=20)
    return Attachment(name, attachment.content)


def render_broadcast(body: str, *, language: str, sender: str | None, to_group: bool) -> str:
    """The message exactly as recipients see it (the preview uses this too)."""
    key = "broadcast.frame_from" if sender else "broadcast.frame"
    footer = "" if to_group else t(language, "broadcast.reply_hint")
    return t(language, key, sender=sender or "", body=Html(body), footer=footer)


@dataclass(frozen=True)
class Broadcast:
    announcement: Announcement
    recipients: int
    unlinked: list[Person]


async def create_broadcast(
    session: AsyncSession,
    *,
    actor: Person | None,
    body: str,
    choice: AudienceChoice,
    settings: Settings,
    now: datetime,
    attachment: Attachment | None = None,
    report_chat_id: int | None = None,
    report_message_id: int | None = None,
) -> Broadcast:
    """Store the broadcast and queue one delivery per recipient (administrators only;
    `actor=None` is the shell). Nothing is stored when anything is refused."""
    actor = await admin_in(session, actor)
    body = clean_body(body)
    attachment = clean_attachment(attachment)
    members = await resolve_audience(
        session,
        choice=choice,
        settings=settings,
        today=now.astimezone(settings.tz).date(),
        exclude_person_id=actor.id if actor else None,
    )
    if not members.readers:
        raise UserError("broadcast.nobody")
    announcement = Announcement(
        author_id=actor.id if actor else None,
        report_chat_id=report_chat_id,
        report_message_id=report_message_id,
        text=body,
        audience=choice.audience.value,
        audience_key=choice.faction_key,
        attachment_name=attachment.file_name if attachment else None,
        attachment=attachment.content if attachment else None,
    )
    session.add(announcement)
    await session.flush()
    sender = actor.name if actor else None
    document = Document(announcement_id=announcement.id) if attachment else None
    texts: dict[tuple[str, bool], str] = {}
    notices: list[Notice] = []
    for reader in members.readers:
        variant = (reader.language, reader.is_group)
        if variant not in texts:
            texts[variant] = render_broadcast(
                body, language=reader.language, sender=sender, to_group=reader.is_group
            )
        notices.append(
            Notice(
                event_key=f"announcement:{announcement.id}",
                chat_id=reader.chat_id,
                kind="broadcast",
                text=texts[variant],
                person_id=reader.person_id,
                announcement_id=announcement.id,
                document=document,
                combinable=False,  # its own message: a reply to it is a Rückfrage
            )
        )
    count = await enqueue_many(session, notices)
    await audit.record(
        session,
        actor=actor,
        action="broadcast",
        subject=excerpt(body, 80),
        data={"announcement_id": announcement.id, "audience": str(choice), "chats": count},
        at=now,
    )
    return Broadcast(announcement, count, members.unlinked)


def excerpt(body: str, limit: int = 60) -> str:
    """The first words of a broadcast, plain text (for reports, audit and Rückfragen)."""
    text = " ".join(visible_text(body).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def _audience_then(
    session: AsyncSession, *, announcement: Announcement, settings: Settings
) -> AudienceMembers | None:
    """The broadcast's audience as it was chosen (None: the faction or the group is gone)."""
    choice = AudienceChoice(Audience(announcement.audience), announcement.audience_key)
    try:
        return await resolve_audience(
            session,
            choice=choice,
            settings=settings,
            today=announcement.created_at.astimezone(settings.tz).date(),
            exclude_person_id=announcement.author_id,
        )
    except UserError:
        return None


async def unlinked_names(
    session: AsyncSession, *, announcement: Announcement, settings: Settings
) -> list[str]:
    """Who in the broadcast's audience is not linked to Telegram (for the report)."""
    members = await _audience_then(session, announcement=announcement, settings=settings)
    return [person.name for person in members.unlinked] if members else []


async def unreached_ids(
    session: AsyncSession, *, announcement: Announcement, settings: Settings
) -> list[int]:
    """Who of the broadcast's audience it did not reach: not linked, or linked but refused
    (blocked, deactivated); they can get a new invitation link."""
    members = await _audience_then(session, announcement=announcement, settings=settings)
    if members is None:
        return []
    ids = [person.id for person in members.unlinked]
    ids += [
        reader.person.id
        for reader in members.readers
        if reader.person and not reader.person.reachable
    ]
    return ids
