"""/mitglieder: administrators see the members by faction, the administration ("Verwaltung")
and the others ("Weitere"), and who never linked; they make or unmake administrators, end a
membership (each after a confirmation that names the person and their faction) and make new
invitation links for one or all who never linked, or for those a broadcast did not reach.

Callback data: `mem:list`, `mem:<action>:<person id>` (show, promote, demote, end, relink; the
confirmed ones end in `ok`), `mem:relinkall[ok]`, `mem:relinkann:<announcement id>`.
Notes to the person concerned go through the outbox, in the change's transaction.
"""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.i18n import Html, escape, format_when, person_language
from bot.menus import publish_personal_menu, remove_personal_menu
from bot.services import members as service
from bot.services.broadcast import unreached_ids
from bot.services.invites import CreatedInvite, deep_link, reissue_all, reissue_invite
from bot.ui import Button, answer_query, is_private, parse_callback, reply
from bot.views.members import person_home_line
from bot.views.pickers import confirm_rows, shorten
from bot.views.text import split_blocks
from storage.models import Announcement, Person

Context = ContextTypes.DEFAULT_TYPE
ACTION_BUTTON = re.compile(
    r"mem:(show|promote|promoteok|demote|demoteok|end|endok|relink):(\d{1,12})"
)
ALL_BUTTON = re.compile(r"mem:(relinkall|relinkallok)")
ANNOUNCEMENT_BUTTON = re.compile(r"mem:relinkann:(\d{1,12})")
DEPARTMENT_BUTTON = re.compile(r"mem:dept:(\d{1,12})(?::(\d{1,12}|-))?")
# Telegram allows 100 buttons per keyboard; keep room for the invite and navigation buttons.
MAX_MEMBER_BUTTONS = 95
MAX_BUTTON_LABEL = 40
CONFIRMATIONS = {"promote": "promote", "demote": "demote", "end": "end"}


def _home(caller: Caller, person: Person) -> str:
    """' (SPD-Fraktion)' — what tells two members of the same name apart."""
    name = service.home_name(person)
    return caller.t("members.home", name=name) if name else ""


def _line(caller: Caller, person: Person) -> str:
    return caller.t(
        "members.line",
        name=person.name,
        function=f", {person.function}" if person.function else "",
        role=caller.t("members.role_admin" if person.is_admin else "members.role_member"),
        linked=caller.t("members.linked" if person.telegram_user_id else "members.not_linked"),
        reachable="" if person.reachable else caller.t("members.unreachable"),
    )


def _button_label(person: Person) -> str:
    home = service.home_name(person) or person.function
    label = f"{person.name} · {home}" if home else person.name
    return shorten(label, MAX_BUTTON_LABEL)


async def _show_list(update: Update, caller: Caller, *, edit: bool) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        overview = await service.member_overview(
            session, actor=caller.person, group_key=runtime.settings.group_key, now=runtime.now()
        )
    count = sum(len(group.members) for group in overview)
    lines = [caller.t("members.list_header", count=count)]
    buttons: list[list[Button]] = []
    for group in overview:
        if group.faction is not None:
            heading = group.faction.name
        else:
            heading = caller.t(f"members.section.{group.section.value}")
        lines.append(f"\n<b>{escape(heading)}</b>")
        for person in group.members:
            lines.append(_line(caller, person))
            if len(buttons) < MAX_MEMBER_BUTTONS:
                buttons.append([(_button_label(person), f"mem:show:{person.id}")])
    if overview.unlinked:
        names = ", ".join(person.name for person in overview.unlinked)
        lines.append("")
        lines.append(caller.t("members.never_linked", count=len(overview.unlinked), names=names))
        buttons.append(
            [(caller.t("members.relink_all", count=len(overview.unlinked)), "mem:relinkall")]
        )
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
        home=Html(person_home_line(caller.language, person)),
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
    if person.telegram_user_id is None or not person.reachable:
        rows.append([(caller.t("members.relink"), f"mem:relink:{person.id}")])
    rows.append([(caller.t("members.department_button"), f"mem:dept:{person.id}")])
    rows.append([(caller.t("members.end"), f"mem:end:{person.id}")])
    rows.append([(caller.t("members.back"), "mem:list")])
    await reply(update, text, rows, edit=True)


async def _confirm(update: Update, caller: Caller, action: str, person: Person) -> None:
    """'Anna Beispiel (SPD-Fraktion) zur Administratorin machen?' — '✅ Ja, …' / '↩️ Nein'."""
    text = caller.t(f"members.confirm.{action}", name=person.name, home=Html(_home(caller, person)))
    rows = confirm_rows(
        caller.language,
        CONFIRMATIONS[action],
        f"mem:{action}ok:{person.id}",
        f"mem:show:{person.id}",
    )
    await reply(update, text, rows, edit=True)


def _links_text(caller: Caller, username: str, created: list[CreatedInvite]) -> list[str]:
    if not created:
        return [caller.t("members.relinked_none")]
    expires = format_when(created[0].expires_at, caller.language, caller.runtime.tz)
    blocks = [caller.t("members.relinked_header", count=len(created), expires=expires)]
    blocks += [
        caller.t(
            "members.relinked_line",
            name=invite.person.name,
            home=Html(_home(caller, invite.person)),
            link=deep_link(username, invite.token),
        )
        for invite in created
    ]
    return split_blocks(blocks, sep="\n\n")


@admins_only
async def member_action(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, ACTION_BUTTON)
    if not is_private(update):
        raise UserError("members.private_only")
    action, person_id = match.group(1), int(match.group(2))
    runtime = caller.runtime
    settings = runtime.settings
    group_key = settings.group_key
    now = runtime.now()
    invite: CreatedInvite | None = None
    async with runtime.sessions.begin() as session:
        person = await service.current_member(
            session, person_id=person_id, group_key=group_key, today=now.date()
        )
        if action in ("promoteok", "demoteok"):
            person = await service.change_admin(
                session,
                actor=caller.person,
                person_id=person_id,
                admin=action == "promoteok",
                group_key=group_key,
                now=now,
                default_language=settings.language,
            )
        elif action == "endok":
            person = await service.remove_member(
                session,
                actor=caller.person,
                person_id=person_id,
                group_key=group_key,
                now=now,
                default_language=settings.language,
            )
        elif action == "relink":
            invite = await reissue_invite(
                session,
                actor=caller.person,
                person=person,
                now=now,
                ttl=timedelta(days=settings.invite_ttl_days),
            )
    await answer_query(update)
    if action == "show":
        await _show_detail(update, caller, person)
    elif action in CONFIRMATIONS:
        await _confirm(update, caller, action, person)
    elif action == "endok":
        await reply(update, caller.t("members.ended", name=person.name), edit=True)
        if person.telegram_user_id:
            await remove_personal_menu(context.bot, person.telegram_user_id)
    elif action == "relink":
        assert invite is not None
        for text in _links_text(caller, context.bot.username, [invite]):
            await reply(update, text)
    else:
        key = "members.promoted" if person.is_admin else "members.demoted"
        await reply(update, caller.t(key, name=person.name))
        await _show_detail(update, caller, person)
        language = person_language(person, settings.language)
        await publish_personal_menu(context.bot, person, language)


@admins_only
async def department_pressed(update: Update, context: Context, caller: Caller) -> None:
    """🏛: choose the member's department (the administration) or none; a department takes
    the place of a faction (a member has one or the other)."""
    match = parse_callback(update, DEPARTMENT_BUTTON)
    if not is_private(update):
        raise UserError("members.private_only")
    person_id, chosen = int(match.group(1)), match.group(2)
    runtime = caller.runtime
    now = runtime.now()
    if chosen is None:
        async with runtime.sessions() as session:
            person = await service.current_member(
                session, person_id=person_id, group_key=runtime.settings.group_key, today=now
            )
            offices = await service.department_choices(session, actor=caller.person)
        rows: list[list[Button]] = [
            [(office.name, f"mem:dept:{person_id}:{office.id}")] for office in offices
        ]
        rows.append([(caller.t("members.no_department"), f"mem:dept:{person_id}:-")])
        rows.append([(caller.t("pickers.no"), f"mem:show:{person_id}")])
        text = caller.t(
            "members.ask_department", name=person.name, home=Html(_home(caller, person))
        )
        await answer_query(update)
        await reply(update, text, rows, edit=True)
        return
    async with runtime.sessions.begin() as session:
        person = await service.set_department(
            session,
            actor=caller.person,
            person_id=person_id,
            department_id=None if chosen == "-" else int(chosen),
            now=now,
        )
    await answer_query(update)
    await _show_detail(update, caller, person)


@admins_only
async def relink_all(update: Update, context: Context, caller: Caller) -> None:
    """New links for everyone who never linked: first a confirmation, then the links."""
    confirmed = parse_callback(update, ALL_BUTTON).group(1) == "relinkallok"
    if not is_private(update):
        raise UserError("members.private_only")
    runtime = caller.runtime
    now = runtime.now()
    async with runtime.sessions.begin() as session:
        if not confirmed:
            overview = await service.member_overview(
                session, actor=caller.person, group_key=runtime.settings.group_key, now=now
            )
            created: list[CreatedInvite] = []
        else:
            created = await reissue_all(
                session,
                actor=caller.person,
                group_key=runtime.settings.group_key,
                now=now,
                ttl=timedelta(days=runtime.settings.invite_ttl_days),
            )
    await answer_query(update)
    if not confirmed:
        names = ", ".join(person.name for person in overview.unlinked)
        text = caller.t("members.confirm.relink_all", count=len(overview.unlinked), names=names)
        rows = confirm_rows(caller.language, "relink", "mem:relinkallok", "mem:list")
        await reply(update, text, rows, edit=True)
        return
    for text in _links_text(caller, context.bot.username, created):
        await reply(update, text)


@admins_only
async def relink_unreached(update: Update, context: Context, caller: Caller) -> None:
    """From a broadcast's report: new links for those it did not reach (never linked, or
    their account refuses messages); their old links are withdrawn."""
    announcement_id = int(parse_callback(update, ANNOUNCEMENT_BUTTON).group(1))
    if not is_private(update):
        raise UserError("members.private_only")
    runtime = caller.runtime
    now = runtime.now()
    async with runtime.sessions.begin() as session:
        announcement = await session.get(Announcement, announcement_id)
        if announcement is None:
            raise UserError("members.not_found")
        ids = await unreached_ids(session, announcement=announcement, settings=runtime.settings)
        created = await reissue_all(
            session,
            actor=caller.person,
            group_key=runtime.settings.group_key,
            now=now,
            ttl=timedelta(days=runtime.settings.invite_ttl_days),
            person_ids=ids,
        )
    await answer_query(update)
    for text in _links_text(caller, context.bot.username, created):
        await reply(update, text)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("mitglieder", list_members, filters=filters.ChatType.PRIVATE),
    CallbackQueryHandler(back_to_list, pattern=r"^mem:list$"),
    CallbackQueryHandler(
        member_action,
        pattern=r"^mem:(show|promote|promoteok|demote|demoteok|end|endok|relink):",
    ),
    CallbackQueryHandler(relink_all, pattern=r"^mem:relinkall(ok)?$"),
    CallbackQueryHandler(department_pressed, pattern=r"^mem:dept:"),
    CallbackQueryHandler(relink_unreached, pattern=r"^mem:relinkann:"),
]
