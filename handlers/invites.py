"""/einladen: a short guided dialogue in which an administrator invites a new member.

Name → faction (buttons) → function → administrator yes/no → confirm; /abbrechen aborts at
any step. The result is a single-use deep link to pass on personally. Each step is guarded:
a step that is refused or gets bad input returns None, which keeps the dialogue where it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import dialogues
from bot.access import Caller, admins_only
from bot.dialogues import DialogueMemory
from bot.errors import UserError
from bot.i18n import format_when
from bot.services.invites import check_new_name, create_invite, deep_link
from bot.ui import Button, answer_query, parse_callback, reply
from bot.views.members import home_line, same_name_warning
from storage.models import OrganizationKind
from storage.queries.members import departments, factions
from storage.queries.organizations import by_id

Context = ContextTypes.DEFAULT_TYPE


class Step(IntEnum):
    NAME = 0
    FACTION = 1
    FUNCTION = 2
    ADMIN = 3
    CONFIRM = 4


DIALOGUE = "invitation"  # stored with the state: keep it stable
FACTION_BUTTON = re.compile(r"inv:faction:(d?\d{1,12}|-)")  # d<id>: a department
ADMIN_BUTTON = re.compile(r"inv:admin:(yes|no)")
CONFIRM_BUTTON = re.compile(r"inv:(ok|cancel)")
MAX_FUNCTION_LENGTH = 200


@dataclass
class InviteDraft:
    name: str = ""
    faction: str | None = None  # the faction's import key
    department: str | None = None  # or the department's (the administration)
    faction_name: str | None = None  # the name of either
    function: str | None = None
    admin: bool = False


def _draft(context: Context) -> InviteDraft:
    return dialogues.draft(context, DIALOGUE, InviteDraft)


def _text(update: Update) -> str:
    message = update.effective_message
    return " ".join((message.text or "").split()) if message else ""


@admins_only
async def begin(update: Update, context: Context, caller: Caller) -> int:
    dialogues.begin(context, DIALOGUE, InviteDraft, Step.NAME)  # typed text is for it now
    await answer_query(update)
    await reply(update, caller.t("invites.ask_name"))
    return Step.NAME


@dialogues.step(DIALOGUE, then=Step.FACTION)
async def got_name(update: Update, context: Context, caller: Caller) -> int:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        # Letters required, no control characters; a UserError is shown and the step repeats.
        check = await check_new_name(
            session, name=_text(update), group_key=runtime.settings.group_key, today=runtime.today()
        )
        options = await factions(session)
        offices = await departments(session)  # the administration: a department instead
    name = _draft(context).name = check.name
    rows: list[list[Button]] = [[(org.name, f"inv:faction:{org.id}")] for org in options]
    rows += [
        [(caller.t("invites.department", name=o.name), f"inv:faction:d{o.id}")] for o in offices
    ]
    rows.append([(caller.t("invites.no_faction"), "inv:faction:-")])
    question = caller.t("invites.ask_faction", name=name)
    if check.same:  # a second "Anna Beispiel"? Say who is already there; /abbrechen stops.
        question = same_name_warning(caller.language, check) + "\n\n" + question
    await reply(update, question, rows)
    return Step.FACTION


@dialogues.step(DIALOGUE, then=Step.FUNCTION)
async def got_faction(update: Update, context: Context, caller: Caller) -> int:
    chosen = parse_callback(update, FACTION_BUTTON).group(1)
    draft = _draft(context)
    draft.faction = draft.faction_name = draft.department = None
    if chosen.startswith("d"):
        async with caller.runtime.sessions() as session:
            office = await by_id(
                session, organization_id=int(chosen[1:]), kind=OrganizationKind.DEPARTMENT
            )
        if office is None:
            raise UserError("access.bad_button")
        draft.department, draft.faction_name = office.key, office.name
    elif chosen != "-":
        async with caller.runtime.sessions() as session:
            faction = await by_id(
                session, organization_id=int(chosen), kind=OrganizationKind.FACTION
            )
        if faction is None:
            raise UserError("access.bad_button")
        draft.faction, draft.faction_name = faction.key, faction.name
    await answer_query(update)
    await reply(update, caller.t("invites.ask_function", name=draft.name), edit=True)
    return Step.FUNCTION


@dialogues.step(DIALOGUE, then=Step.ADMIN)
async def got_function(update: Update, context: Context, caller: Caller) -> int:
    text = _text(update)
    draft = _draft(context)
    draft.function = None if text in ("", "-") else text[:MAX_FUNCTION_LENGTH]
    rows = [
        [
            (caller.t("invites.answer_yes"), "inv:admin:yes"),
            (caller.t("invites.answer_no"), "inv:admin:no"),
        ]
    ]
    await reply(update, caller.t("invites.ask_admin", name=draft.name), rows)
    return Step.ADMIN


@dialogues.step(DIALOGUE, then=Step.CONFIRM)
async def got_admin(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    draft.admin = parse_callback(update, ADMIN_BUTTON).group(1) == "yes"
    none = caller.t("invites.none")
    chosen = draft.faction_name or none
    text = caller.t(
        "invites.confirm",
        name=draft.name,
        home=home_line(
            caller.language,
            faction=chosen if draft.faction else None,
            department=chosen if draft.department else None,
        ),
        function=draft.function or none,
        admin=caller.t("invites.answer_yes" if draft.admin else "invites.answer_no"),
    )
    rows = [[(caller.t("invites.create"), "inv:ok"), (caller.t("invites.cancel"), "inv:cancel")]]
    await answer_query(update)
    await reply(update, text, rows, edit=True)
    return Step.CONFIRM


@dialogues.step(DIALOGUE)
async def confirmed(update: Update, context: Context, caller: Caller) -> int:
    choice = parse_callback(update, CONFIRM_BUTTON).group(1)
    draft = _draft(context)
    if choice == "cancel":
        await answer_query(update)
        await reply(update, caller.t("invites.cancelled"), edit=True)
        return dialogues.finish(context, DIALOGUE)
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        invite = await create_invite(
            session,
            actor=caller.person,
            name=draft.name,
            group_key=runtime.settings.group_key,
            now=runtime.now(),
            ttl=timedelta(days=runtime.settings.invite_ttl_days),
            faction_key=draft.faction,
            department_key=draft.department,
            function=draft.function,
            admin=draft.admin,
        )
    await answer_query(update)
    link = deep_link(context.bot.username, invite.token)
    expires = format_when(invite.expires_at, caller.language, runtime.tz)
    text = caller.t("invites.created", name=invite.person.name, expires=expires, link=link)
    await reply(update, text, edit=True)
    return dialogues.finish(context, DIALOGUE)


@admins_only
async def abort(update: Update, context: Context, caller: Caller) -> int:
    await reply(update, caller.t("invites.cancelled"))
    return dialogues.finish(context, DIALOGUE)


def handlers(memory: DialogueMemory) -> list[BaseHandler[Update, Context, Any]]:
    """The dialogue; its state is the chat's stored dialogue (bot/dialogues). Typed answers
    reach it only while it is the chat's current dialogue."""
    text_input = dialogues.TYPED_TEXT
    dialogue = dialogues.dialogue(
        DIALOGUE,
        memory,
        entry_points=[
            CommandHandler("einladen", begin, filters=filters.ChatType.PRIVATE),
            CallbackQueryHandler(begin, pattern=r"^mem:invite$"),
        ],
        states={
            Step.NAME: [MessageHandler(text_input, got_name)],
            Step.FACTION: [CallbackQueryHandler(got_faction, pattern=r"^inv:faction:")],
            Step.FUNCTION: [MessageHandler(text_input, got_function)],
            Step.ADMIN: [CallbackQueryHandler(got_admin, pattern=r"^inv:admin:")],
            Step.CONFIRM: [CallbackQueryHandler(confirmed, pattern=r"^inv:(ok|cancel)$")],
        },
        fallbacks=[CommandHandler("abbrechen", abort)],
    )
    return [dialogue]
