"""Per-chat command menus: a member's menu follows their language and role."""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, BotCommandScopeChat
from telegram.error import TelegramError

from bot.commands import menu_for
from storage.models import Person

log = logging.getLogger(__name__)


async def publish_personal_menu(bot: Bot, person: Person, language: str) -> None:
    """Set the menu for this member's private chat (their language, admin entries if admin)."""
    if person.telegram_user_id is None:
        return
    try:
        await bot.set_my_commands(
            menu_for(language, admin=person.is_admin),
            scope=BotCommandScopeChat(person.telegram_user_id),
        )
    except TelegramError as error:
        # Telegram knows a chat only once the person wrote to the bot; the menu is set again
        # when they link their account or change language or role.
        log.info("menu for person %s not set: %s", person.id, error)


async def remove_personal_menu(bot: Bot, telegram_user_id: int) -> None:
    """Back to the general menu (e.g. after the membership ended)."""
    # The chat may be gone; the general menu applies anyway.
    with contextlib.suppress(TelegramError):
        await bot.delete_my_commands(scope=BotCommandScopeChat(telegram_user_id))
