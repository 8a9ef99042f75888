"""The command menus: which commands members and administrators see, per language."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats

from bot.i18n import LANGUAGES, t


@dataclass(frozen=True)
class MenuEntry:
    command: str
    admin_only: bool = False


# Order is the order in Telegram's menu and in /help. Each command's description is the
# catalog entry `commands.<command>`.
MENU: tuple[MenuEntry, ...] = (
    MenuEntry("termine"),
    MenuEntry("meine_termine"),
    MenuEntry("tagesordnung"),
    MenuEntry("vorlage"),
    MenuEntry("suche"),
    MenuEntry("kalender"),
    MenuEntry("kalender_neu"),
    MenuEntry("help"),
    MenuEntry("einstellungen"),
    MenuEntry("sprache"),
    MenuEntry("meine_daten"),
    MenuEntry("austreten"),
    MenuEntry("einladen", admin_only=True),
    MenuEntry("mitglieder", admin_only=True),
    MenuEntry("rundschreiben", admin_only=True),
    MenuEntry("teilnahme", admin_only=True),
    MenuEntry("termin_neu", admin_only=True),
    MenuEntry("termin_verschieben", admin_only=True),
    MenuEntry("termin_absagen", admin_only=True),
    MenuEntry("termin_bearbeiten", admin_only=True),
    MenuEntry("vorlage_neu", admin_only=True),
    MenuEntry("vorlage_anlage", admin_only=True),
    MenuEntry("vorlage_bearbeiten", admin_only=True),
    MenuEntry("tagesordnung_bearbeiten", admin_only=True),
    MenuEntry("verlauf", admin_only=True),  # /audit stays as an alias
)


def menu_for(language: str, *, admin: bool) -> list[BotCommand]:
    return [
        BotCommand(entry.command, t(language, f"commands.{entry.command}"))
        for entry in MENU
        if admin or not entry.admin_only
    ]


def help_text(language: str, *, admin: bool) -> str:
    """The command overview: member commands, then the administrators' own."""
    lines: list[str] = [t(language, "help.member_header")]
    lines += [
        f"/{entry.command} – {t(language, f'commands.{entry.command}')}"
        for entry in MENU
        if not entry.admin_only
    ]
    if admin:
        lines += ["", t(language, "help.admin_header")]
        lines += [
            f"/{entry.command} – {t(language, f'commands.{entry.command}')}"
            for entry in MENU
            if entry.admin_only
        ]
    return "\n".join(lines)


async def publish_menus(bot: Bot) -> None:
    """Set the member menu for all private chats, per language.

    Administrators get a menu of their own per chat (bot.menus.publish_personal_menu).
    """
    for language in LANGUAGES:
        code = "" if language == "de" else language  # "" = every language without its own menu
        await bot.set_my_commands(
            menu_for(language, admin=False),
            scope=BotCommandScopeAllPrivateChats(),
            language_code=code,
        )
