"""/mitglieder: administrators see the members by faction and promote, demote or remove them."""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.access import Caller, admins_only
from bot.i18n import escape, format_when, person_language, t
from bot.menus import publish_personal_menu, remove_personal_menu
from bot.runtime import get_runtime
from bot.services import members as service
from bot.services.invites import deep_link, reissue_invite
from bot.ui import Button, answer_query, parse_callback, reply
from storage.models import Person

Context = ContextTypes.DEFAULT_TYPE
ACTION_BUTTON = re.compile(r"mem:(show|promote|demote|end|endok|relink):(\d{1,12})")
# Telegram allows 100 buttons per keyboard; keep room for the invite and navigation buttons.
MAX_MEMBER_BUTTONS = 95


def _line(caller: Caller, person: Person) -> str:
    return caller.t(
        "members.line",
        name=person.name,
        function=f", {person.function}" if person.function else "",
        role=caller.t("members.role_admin" if person.is_admin else "members.role_member"),
        linked=caller.t("members.linked" if person.telegram_user_id else "members.not_linked"),
        reachable="" if person.reachable else caller.t("members.unreachable"),
    )


async def _show_list(update: Update, caller: Caller, *, edit: bool) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        groups = await service.member_overview(
            session, actor=caller.person, group_key=runtime.settings.group_key, now=runtime.now()
        )
    count = sum(len(group.members) for group in groups)
    lines = [caller.t("members.list_header", count=count)]
    buttons: list[list[Button]] = []
    for group in groups:
        heading = group.faction.name if group.faction else caller.t("members.no_faction")
        lines.append(f"\n<b>{escape(heading)}</b>")
        for person in group.members:
            lines.append(_line(caller, person))
            if len(buttons) < MAX_MEMBER_BUTTONS:
                buttons.append([(person.name, f"mem:show:{person.id}")])
    buttons.append([(caller.t("members.invite_button"), "mem:invite")])
    await reply(update, "\n".join(lines), buttons, edit=edit)


@admins_only
async def list_members(update: Update, context: Context, caller: Caller) -> None:
    await _show_list(update, caller, edit=False)


@admins_only
async def back_to_list(update: Update, context: Context, caller: Caller) -> None:
    await answer_query(update)
    await _show_list(update, caller, edit=True)


async def _show_detail(update: Update, caller: Caller, person: Person) -> None:
    none = caller.t("invites.none")
    text = caller.t(
        "members.detail",
        name=person.name,
        faction=person.faction.name if person.faction else none,
        function=person.function or none,
        role=caller.t("members.role_admin" if person.is_admin else "members.role_member"),
        linked=caller.t("members.linked" if person.telegram_user_id else "members.not_linked"),
        reachable="" if person.reachable else caller.t("members.unreachable"),
    )
    rows: list[list[Button]] = []
    if person.is_admin:
        rows.append([(caller.t("members.demote"), f"mem:demote:{person.id}")])
    else:
        rows.append([(caller.t("members.promote"), f"mem:promote:{person.id}")])
    if person.telegram_user_id is None:
        rows.append([(caller.t("members.relink"), f"mem:relink:{person.id}")])
    rows.append([(caller.t("members.end"), f"mem:end:{person.id}")])
    rows.append([(caller.t("members.back"), "mem:list")])
    await reply(update, text, rows, edit=True)


@admins_only
async def member_action(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, ACTION_BUTTON)
    action, person_id = match.group(1), int(match.group(2))
    runtime = caller.runtime
    group_key = runtime.settings.group_key
    now = runtime.now()
    async with runtime.sessions.begin() as session:
        person = await service.current_member(
            session, person_id=person_id, group_key=group_key, today=now.date()
        )
        if action in ("promote", "demote"):
            person = await service.set_admin(
                session,
                actor=caller.person,
                person_id=person_id,
                admin=action == "promote",
                group_key=group_key,
                now=now,
            )
        elif action == "endok":
            person = await service.end_membership(
                session, actor=caller.person, person_id=person_id, group_key=group_key, now=now
            )
        elif action == "relink":
            invite = await reissue_invite(
                session,
                actor=caller.person,
                person=person,
                now=now,
                ttl=timedelta(days=runtime.settings.invite_ttl_days),
            )
    await answer_query(update)
    if action == "show":
        await _show_detail(update, caller, person)
    elif action == "end":
        rows = [
            [(caller.t("members.confirm_end_button"), f"mem:endok:{person.id}")],
            [(caller.t("members.back"), f"mem:show:{person.id}")],
        ]
        await reply(update, caller.t("members.confirm_end", name=person.name), rows, edit=True)
    elif action == "endok":
        await reply(update, caller.t("members.ended", name=person.name), edit=True)
        await _tell(context, person, "members.farewell")
        if person.telegram_user_id:
            await remove_personal_menu(context.bot, person.telegram_user_id)
    elif action == "relink":
        link = deep_link(context.bot.username, invite.token)
        expires = format_when(invite.expires_at, caller.language, runtime.tz)
        text = caller.t("invites.created", name=person.name, expires=expires, link=link)
        await reply(update, text, edit=True)
    else:
        key = "members.promoted" if person.is_admin else "members.demoted"
        await reply(update, caller.t(key, name=person.name))
        await _show_detail(update, caller, person)
        own = "members.you_are_admin" if person.is_admin else "members.you_are_no_admin"
        await _tell(context, person, own)
        language = person_language(person, runtime.settings.language)
        await publish_personal_menu(context.bot, person, language)


async def _tell(context: Context, person: Person, key: str) -> None:
    """A direct, best-effort note to the person concerned."""
    if person.telegram_user_id is None:
        return
    default = get_runtime(context).settings.language
    language = person_language(person, default)
    with contextlib.suppress(TelegramError):
        await context.bot.send_message(
            person.telegram_user_id, t(language, key), parse_mode=ParseMode.HTML
        )


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("mitglieder", list_members, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(back_to_list, pattern=r"^mem:list$"),
    CallbackQueryHandler(member_action, pattern=r"^mem:(show|promote|demote|end|endok|relink):"),
]
