"""/meine_daten shows a member everything stored about them; /austreten leaves and erases it."""

from __future__ import annotations

import io
import json
import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.menus import remove_personal_menu
from bot.services.members import find_person, tell_admins_left
from bot.services.privacy import leave_and_erase, personal_data
from bot.ui import answer_query, is_private, parse_callback, reply
from bot.views.members import person_home_line

Context = ContextTypes.DEFAULT_TYPE
LEAVE_BUTTON = re.compile(r"leave:(yes|no)")
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}  # each in its own language, as in /sprache


@members_only
async def my_data(update: Update, context: Context, caller: Caller) -> None:
    if not is_private(update):
        await reply(update, caller.t("privacy.private_only"))
        return
    async with caller.runtime.sessions() as session:
        data = await personal_data(session, person=caller.person)
    person = data["person"]
    none = caller.t("invites.none")
    summary = caller.t(
        "privacy.summary",
        name=person["name"],
        home=person_home_line(caller.language, caller.person),
        function=person["function"] or none,
        telegram=(
            f"{person['telegram_user_id']} (@{person['telegram_username']})"
            if person["telegram_username"]
            else str(person["telegram_user_id"])
        ),
        language=LANGUAGE_NAMES.get(person["language"] or "", "")
        or caller.t("privacy.language_auto"),
        memberships=len(data["memberships"]),
        attendance=len(data["attendance"]),
        questions=len(data["questions"]),
        messages=data["messages_sent_to_you"],
        calendar=caller.t("invites.answer_yes" if person["calendar_feed"] else "invites.answer_no"),
    )
    await reply(update, summary)
    document = io.BytesIO(json.dumps(data, ensure_ascii=False, indent=2).encode())
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        document, filename="meine-daten.json", caption=caller.t("privacy.json_caption")
    )


@members_only
async def leave(update: Update, context: Context, caller: Caller) -> None:
    if not is_private(update):
        await reply(update, caller.t("privacy.private_only"))
        return
    rows = [
        [(caller.t("privacy.leave_yes"), "leave:yes"), (caller.t("privacy.leave_no"), "leave:no")]
    ]
    await reply(update, caller.t("privacy.leave_confirm"), rows)


@members_only
async def leave_confirmed(update: Update, context: Context, caller: Caller) -> None:
    choice = parse_callback(update, LEAVE_BUTTON).group(1)
    await answer_query(update)
    if choice == "no":
        await reply(update, caller.t("privacy.leave_cancelled"), edit=True)
        return
    runtime = caller.runtime
    telegram_id = caller.person.telegram_user_id
    now = runtime.now()
    async with runtime.sessions.begin() as session:
        # Fresh from the database: the caller's copy was read before this update was handled.
        person = await find_person(session, person_id=caller.person.id)
        name = await leave_and_erase(
            session, person=person, group_key=runtime.settings.group_key, now=now
        )
        # The administrators' note goes through the outbox, in the same transaction.
        await tell_admins_left(
            session,
            name=name,
            person_id=person.id,
            group_key=runtime.settings.group_key,
            now=now,
            default=runtime.settings.language,
        )
    await reply(update, caller.t("privacy.left"), edit=True)
    if telegram_id:
        await remove_personal_menu(context.bot, telegram_id)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("meine_daten", my_data),
    CommandHandler("austreten", leave),
    CallbackQueryHandler(leave_confirmed, pattern=r"^leave:"),
]
