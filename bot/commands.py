"""The command menus: which commands members and administrators see, per language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

from bot.i18n import LANGUAGES, t


@dataclass(frozen=True)
class MenuEntry:
    command: str
    admin_only: bool = False


# Order is the order in Telegram's menu.
MENU: tuple[MenuEntry, ...] = (
    MenuEntry("start"),
    MenuEntry("help"),
)


def menu_for(language: str, *, admin: bool) -> list[BotCommand]:
    return [
        BotCommand(entry.command, t(language, f"commands.{entry.command}"))
        for entry in MENU
        if admin or not entry.admin_only
    ]


async def publish_menus(bot: Bot, admin_chat_ids: Iterable[int] = ()) -> None:
    """Set the member menu for all private chats and the full menu for each administrator."""
    for language in LANGUAGES:
        code = "" if language == "de" else language  # "" = every language without its own menu
        await bot.set_my_commands(
            menu_for(language, admin=False), scope=BotCommandScopeAllPrivateChats(), language_code=code
        )
        for chat_id in admin_chat_ids:
            await bot.set_my_commands(
                menu_for(language, admin=True), scope=BotCommandScopeChat(chat_id), language_code=code
            )
