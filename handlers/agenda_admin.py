"""/tagesordnung_bearbeiten (administrators): correct a meeting's agenda with buttons only.

Pick an upcoming meeting (date, time, distinguishing title) → its agenda with, per item,
🔒/🔓 (public or not) and 🗑 (remove, after a confirmation), and for the meeting 🔢 (number the
items 1, 2, 3 …, after a confirmation) and 🌐 (the meeting public or not). Every change goes
through bot/services/council_admin/edits.py: audited, and members are told by the notice rules.
➕ (a new item) and ✏️ (an item's number, title, public flag, Vorlage) open the typed dialogue
of handlers/agenda_edit (its buttons `agde:…` are only shown here).

Callback data: `agd:list`, `agd:show:<meeting>`, `agd:ipub:<item>`, `agd:del:<item>`,
`agd:delok:<item>`, `agd:renum:<meeting>`, `agd:renumok:<meeting>`, `agd:mpub:<meeting>`.
"""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.i18n import Html
from bot.services.attendance import attendance_notifier, combine_notifiers
from bot.services.council_admin.edits import (
    ItemEdit,
    agenda_item,
    agenda_of,
    edit_agenda_item,
    edit_meeting,
    remove_agenda_item,
    renumber_agenda,
)
from bot.services.importer import Notifier
from bot.services.notices import change_notifier
from bot.ui import PRIVATE, Button, answer_query, is_private, parse_callback, reply
from bot.views.council_admin import meeting_preview
from bot.views.pickers import confirm_rows, meeting_labels, shorten
from storage.models import Meeting
from storage.queries.council_admin import changeable_meetings

Context = ContextTypes.DEFAULT_TYPE
BUTTON = re.compile(r"agd:(show|ipub|del|delok|renum|renumok|mpub):(\d{1,12})")
PAGE_SIZE = 10
ITEM_LABEL = 28


def _notifier(caller: Caller) -> Notifier:
    settings = caller.runtime.settings
    return combine_notifiers(
        [change_notifier(settings, skip_person_id=caller.person.id), attendance_notifier(settings)]
    )


async def _show_list(update: Update, caller: Caller, *, edit: bool) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        page = await changeable_meetings(session, now=runtime.now(), limit=PAGE_SIZE)
    if not page.items:
        await reply(update, caller.t("agenda_admin.none"), edit=edit)
        return
    labels = meeting_labels(page.items, caller.language, runtime.tz)
    rows: list[list[Button]] = [
        [(label, f"agd:show:{meeting.id}")]
        for meeting, label in zip(page.items, labels, strict=True)
    ]
    await reply(update, caller.t("agenda_admin.choose"), rows, edit=edit)


async def _show_agenda(update: Update, caller: Caller, meeting: Meeting) -> None:
    runtime = caller.runtime
    preview = Html(meeting_preview(meeting, caller.language, runtime.tz))
    rows: list[list[Button]] = []
    for item in meeting.agenda_items:
        label = shorten(f"{item.number} {item.name}", ITEM_LABEL)
        lock = "agenda_admin.make_closed" if item.public else "agenda_admin.make_public"
        rows.append(
            [
                (caller.t(lock, label=label), f"agd:ipub:{item.id}"),
                (caller.t("agenda_admin.edit", number=item.number), f"agde:item:{item.id}"),
                (caller.t("agenda_admin.remove", number=item.number), f"agd:del:{item.id}"),
            ]
        )
    rows.append([(caller.t("agenda_admin.add"), f"agde:add:{meeting.id}")])  # handlers/agenda_edit
    if meeting.agenda_items:
        rows.append([(caller.t("agenda_admin.renumber"), f"agd:renum:{meeting.id}")])
    public = "agenda_admin.meeting_closed" if meeting.public else "agenda_admin.meeting_public"
    rows.append([(caller.t(public), f"agd:mpub:{meeting.id}")])
    rows.append([(caller.t("agenda_admin.back"), "agd:list")])
    text = caller.t("agenda_admin.header", preview=preview)
    await reply(update, text, rows, edit=True)


async def _reload(session: AsyncSession, caller: Caller, meeting_id: int) -> Meeting:
    return await agenda_of(session, meeting_id=meeting_id, now=caller.runtime.now())


@admins_only
async def command(update: Update, context: Context, caller: Caller) -> None:
    await _show_list(update, caller, edit=False)


@admins_only
async def back(update: Update, context: Context, caller: Caller) -> None:
    await answer_query(update)
    await _show_list(update, caller, edit=True)


@admins_only
async def pressed(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, BUTTON)
    if not is_private(update):
        raise UserError("access.lookup_private_only")
    action, target = match.group(1), int(match.group(2))
    runtime = caller.runtime
    now = runtime.now()
    if action in ("del", "renum"):
        async with runtime.sessions() as session:
            if action == "del":
                item = await agenda_item(session, item_id=target)
                meeting = await _reload(session, caller, item.meeting_id)
                text = caller.t(
                    "agenda_admin.confirm_remove",
                    number=item.number,
                    name=item.name,
                    title=meeting.name,
                )
                rows = confirm_rows(
                    caller.language, "remove", f"agd:delok:{target}", f"agd:show:{meeting.id}"
                )
            else:
                meeting = await _reload(session, caller, target)
                text = caller.t("agenda_admin.confirm_renumber", title=meeting.name)
                rows = confirm_rows(
                    caller.language, "renumber", f"agd:renumok:{target}", f"agd:show:{target}"
                )
        await answer_query(update)
        await reply(update, text, rows, edit=True)
        return
    async with runtime.sessions.begin() as session:
        notifier = _notifier(caller)
        if action == "show":
            meeting_id = target
        elif action == "mpub":
            meeting = await _reload(session, caller, target)
            await edit_meeting(
                session,
                actor=caller.person,
                meeting_id=target,
                public=not meeting.public,
                now=now,
                notifier=notifier,
            )
            meeting_id = target
        elif action == "renumok":
            await renumber_agenda(
                session, actor=caller.person, meeting_id=target, now=now, notifier=notifier
            )
            meeting_id = target
        else:
            item = await agenda_item(session, item_id=target)
            meeting_id = item.meeting_id
            if action == "ipub":
                await edit_agenda_item(
                    session,
                    actor=caller.person,
                    meeting_id=meeting_id,
                    number=item.number,
                    edit=ItemEdit(public=not item.public),
                    now=now,
                    notifier=notifier,
                )
            else:  # delok
                await remove_agenda_item(
                    session,
                    actor=caller.person,
                    meeting_id=meeting_id,
                    number=item.number,
                    now=now,
                    notifier=notifier,
                )
    async with runtime.sessions() as session:
        meeting = await _reload(session, caller, meeting_id)
    await answer_query(update, None if action == "show" else caller.t("agenda_admin.saved"))
    await _show_agenda(update, caller, meeting)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("tagesordnung_bearbeiten", command, filters=PRIVATE),
    CallbackQueryHandler(back, pattern=r"^agd:list$"),
    CallbackQueryHandler(pressed, pattern=r"^agd:(show|ipub|del|delok|renum|renumok|mpub):"),
]
