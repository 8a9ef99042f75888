"""/teilnahme (administrators): who comes to which meeting, by answer and by faction.

Choose a meeting by button (`tln:up`, `tln:past`, `tln:show:<id>`), then see the counts, the
names per answer, who has not answered and the faction coverage; `tln:csv:<id>` sends the same
as a CSV file, `tln:ask:<id>` sends the request to members not asked yet; `tln:open:<id>` (from the
administrators' notes) shows the overview as a new message. `/teilnahme KEY`
opens a meeting by its key. Only in the private chat: attendance is personal data, and a group
may have non-members in it.
"""

from __future__ import annotations

import io
import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.services.attendance import send_requests
from bot.services.attendance.overview import (
    attendance_overview,
    attendance_overview_by_key,
    csv_file_name,
    overview_csv,
)
from bot.ui import PRIVATE, Button, answer_query, is_private, parse_callback, reply
from bot.views.attendance import is_open
from bot.views.attendance_overview import overview_blocks
from bot.views.council import meeting_title
from bot.views.pickers import meeting_labels
from bot.views.text import split_blocks
from storage.queries.attendance import fresh_meeting, rsvp_meetings

Context = ContextTypes.DEFAULT_TYPE
LIST_BUTTON = re.compile(r"tln:(up|past)")
MEETING_BUTTON = re.compile(r"tln:(show|open|csv|ask):(\d{1,12})")
LIST_LIMIT = 20


async def _send_list(update: Update, caller: Caller, *, past: bool, edit: bool) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        meetings = await rsvp_meetings(session, now=runtime.now(), past=past, limit=LIST_LIMIT)
    labels = meeting_labels(meetings, caller.language, runtime.tz)
    rows: list[list[Button]] = [
        [(label, f"tln:show:{m.id}")] for m, label in zip(meetings, labels, strict=True)
    ]
    switch = "attendance.show_upcoming" if past else "attendance.show_past"
    rows.append([(caller.t(switch), "tln:up" if past else "tln:past")])
    if meetings:
        text = caller.t("attendance.choose_past" if past else "attendance.choose")
    else:
        text = caller.t("attendance.none_past" if past else "attendance.none_upcoming")
    await reply(update, text, rows, edit=edit)


async def _send_overview(update: Update, caller: Caller, *, meeting_id: int, edit: bool) -> None:
    runtime = caller.runtime
    now = runtime.now()
    async with runtime.sessions() as session:
        overview = await attendance_overview(
            session, actor=caller.person, meeting_id=meeting_id, now=now, settings=runtime.settings
        )
    meeting = overview.meeting
    messages = split_blocks(overview_blocks(overview, caller.language, runtime.tz), sep="\n\n")
    rows: list[list[Button]] = [
        [
            (caller.t("attendance.csv_button"), f"tln:csv:{meeting.id}"),
            (caller.t("attendance.refresh_button"), f"tln:show:{meeting.id}"),
        ]
    ]
    if is_open(meeting, now):
        rows.append([(caller.t("attendance.ask_button"), f"tln:ask:{meeting.id}")])
    rows.append([(caller.t("attendance.back_button"), "tln:up")])
    # One message is edited in place; a longer overview comes as new messages.
    in_place = edit and len(messages) == 1
    for number, text in enumerate(messages, start=1):
        await reply(update, text, rows if number == len(messages) else (), edit=in_place)


async def _send_csv(update: Update, caller: Caller, meeting_id: int) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        overview = await attendance_overview(
            session,
            actor=caller.person,
            meeting_id=meeting_id,
            now=runtime.now(),
            settings=runtime.settings,
        )
    data = overview_csv(overview, caller.language, runtime.tz)
    assert update.effective_chat is not None
    await update.effective_chat.send_document(
        io.BytesIO(data),
        filename=csv_file_name(overview.meeting),
        caption=caller.t("attendance.csv_caption", title=meeting_title(overview.meeting)),
    )


async def _ask(update: Update, caller: Caller, meeting_id: int) -> None:
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        meeting = await fresh_meeting(session, meeting_id=meeting_id)
        if meeting is None:
            raise UserError("attendance.not_found")
        count = await send_requests(
            session,
            meeting=meeting,
            now=runtime.now(),
            settings=runtime.settings,
            actor=caller.person,
        )
    text = caller.t("attendance.asked", count=count) if count else caller.t("attendance.asked_none")
    await answer_query(update, text, alert=True)


@admins_only
async def command(update: Update, context: Context, caller: Caller) -> None:
    if not is_private(update):
        raise UserError("attendance.overview_private_only")
    key = " ".join(context.args or []).strip()
    if not key:
        await _send_list(update, caller, past=False, edit=False)
        return
    runtime = caller.runtime
    async with runtime.sessions() as session:
        overview = await attendance_overview_by_key(
            session, actor=caller.person, key=key, now=runtime.now(), settings=runtime.settings
        )
    await _send_overview(update, caller, meeting_id=overview.meeting.id, edit=False)


@admins_only
async def list_pressed(update: Update, context: Context, caller: Caller) -> None:
    past = parse_callback(update, LIST_BUTTON).group(1) == "past"
    if not is_private(update):
        raise UserError("attendance.overview_private_only")
    await answer_query(update)
    await _send_list(update, caller, past=past, edit=True)


@admins_only
async def meeting_pressed(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, MEETING_BUTTON)
    if not is_private(update):
        raise UserError("attendance.overview_private_only")
    action, meeting_id = match.group(1), int(match.group(2))
    if action == "csv":
        await _send_csv(update, caller, meeting_id)
        await answer_query(update)
        return
    if action == "ask":
        await _ask(update, caller, meeting_id)
    else:
        await answer_query(update)
    # `open` comes from a note (a move, the day-before summary), which stays as it is.
    await _send_overview(update, caller, meeting_id=meeting_id, edit=action != "open")


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("teilnahme", command, filters=PRIVATE),
    CallbackQueryHandler(list_pressed, pattern=r"^tln:(up|past)$"),
    CallbackQueryHandler(meeting_pressed, pattern=r"^tln:(show|open|csv|ask):"),
]
