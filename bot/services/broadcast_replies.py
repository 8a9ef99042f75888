"""Rückfragen: a member's reply to a broadcast goes to the administrator who sent it.

The delivery worker stores the Telegram message id of every broadcast it delivered
(`Delivery.telegram_message_id`), so a reply is matched to its broadcast by chat and message
id. The reply is forwarded through the outbox (reliable, and quiet hours apply) with the
member's name and faction; a broadcast sent from the shell, or whose sender is no longer an
administrator, has its Rückfragen forwarded to every current administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.i18n import Html, format_short, person_language, t
from bot.services.broadcast import MAX_BODY, excerpt
from bot.services.delivery.text import visible_length
from bot.services.outbox import Notice, enqueue_many
from storage.models import Person
from storage.queries.broadcasts import announcement_of_message
from storage.queries.members import current_admins


@dataclass(frozen=True)
class Forwarded:
    announcement_id: int
    to: list[str]  # names of the administrators it was forwarded to


async def forward_reply(
    session: AsyncSession,
    *,
    member: Person,
    chat_id: int,
    message_id: int,
    replied_to: int,
    text: str,
    settings: Settings,
    now: datetime,
) -> Forwarded | None:
    """Forward `text` (Telegram HTML), the member's reply to bot message `replied_to`, to
    the broadcast's sender. None when `replied_to` is not a broadcast."""
    announcement = await announcement_of_message(session, chat_id=chat_id, message_id=replied_to)
    if announcement is None:
        return None
    body = text.strip()
    if not body:
        raise UserError("broadcast.reply_not_text")
    if visible_length(body) > MAX_BODY:
        raise UserError("broadcast.too_long", length=visible_length(body), limit=MAX_BODY)
    admins = await current_admins(
        session, group_key=settings.group_key, today=now.astimezone(settings.tz).date()
    )
    admins = [admin for admin in admins if admin.id != member.id]
    sender = [admin for admin in admins if admin.id == announcement.author_id]
    targets = sender or admins
    if not targets:
        raise UserError("broadcast.reply_nobody")
    notices = []
    for admin in targets:
        assert admin.telegram_user_id is not None  # current_admins: linked ones only
        language = person_language(admin, settings.language)
        faction = member.faction.name if member.faction else t(language, "broadcast.no_faction")
        notices.append(
            Notice(
                event_key=f"reply:{chat_id}:{message_id}",
                chat_id=int(admin.telegram_user_id),
                kind="broadcast_reply",
                text=t(
                    language,
                    "broadcast.reply_forward",
                    name=member.name,
                    faction=faction,
                    sent=format_short(announcement.created_at, language, settings.tz),
                    excerpt=excerpt(announcement.text),
                    text=Html(body),
                ),
                person_id=admin.id,
                combinable=False,
            )
        )
    await enqueue_many(session, notices)
    return Forwarded(announcement.id, [admin.name for admin in targets])
