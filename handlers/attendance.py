"""Answering an attendance request: ✅ / ❌ / ❔ buttons, and 👥 with the deputy's name.

Buttons `att:<meeting>:<sequence>:<y|n|m|d|x>` (bot.views.attendance). Who answers comes from
Telegram, never from the data; the pressed data must be one of the buttons of the message it
came from (a bad client can send any data), the chat must be the member's private chat, and
the service re-checks membership, the meeting, its version and that it has not started. A
refused press is answered with the reason and changes nothing; the message is then redrawn
with what is true now (new time, closed, cancelled).

👥 asks for the deputy's name as the next text message: a dialogue (bot/dialogues) whose state
is stored with the chat, so the question survives a restart and reaches any instance, and
ends after GREMIENBOT_DIALOGUE_TIMEOUT like every dialogue. /abbrechen keeps the earlier
answer.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
)

from bot import dialogues
from bot.access import Caller, members_only, resolve_caller
from bot.dialogues import END, DialogueMemory
from bot.errors import UserError
from bot.i18n import Html, format_when, normalize_language, t
from bot.runtime import get_runtime
from bot.services.attendance import AnswerRefused, answerable_meeting, record_answer
from bot.ui import answer_query, is_private, keyboard, parse_callback, reply
from bot.views.attendance import (
    ANSWER_BUTTON,
    ANSWER_CODES,
    CLOSED_CODE,
    answer_label,
    is_open,
    request_buttons,
    request_text,
)
from bot.views.council import meeting_title
from storage.models import AttendanceStatus, Meeting
from storage.queries.attendance import answer_of, fresh_meeting

Context = ContextTypes.DEFAULT_TYPE


class Step(IntEnum):
    DEPUTY_NAME = 0


DIALOGUE = "deputy"  # stored with the state: keep it stable


@dataclass
class DeputyDraft:
    """What the typed name is for: the meeting (as asked) and the message to redraw."""

    meeting_id: int | None = None
    sequence: int = 0
    chat_id: int = 0
    message_id: int = 0


def _finish(context: Context) -> None:
    """The deputy question is over: forget it, and typed text goes elsewhere again."""
    dialogues.finish(context, DIALOGUE)


def _pending(context: Context) -> DeputyDraft:
    return dialogues.draft(context, DIALOGUE, DeputyDraft)


def _from_this_message(update: Update) -> bool:
    """The pressed data is one of the buttons of the message it came from."""
    query = update.callback_query
    message = query.message if query else None
    if query is None or not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(
        button.callback_data == query.data
        for row in message.reply_markup.inline_keyboard
        for button in row
    )


async def _view(caller: Caller, meeting_id: int) -> tuple[Html, list[list[tuple[str, str]]]] | None:
    """The request as it is now, for this member; None if the meeting is gone."""
    runtime = caller.runtime
    now = runtime.now()
    async with runtime.sessions() as session:
        meeting = await fresh_meeting(session, meeting_id=meeting_id)
        if meeting is None:
            return None
        attendance = await answer_of(session, meeting_id=meeting_id, person_id=caller.person.id)
    text = request_text(meeting, attendance, caller.language, runtime.tz, now=now)
    return text, request_buttons(meeting, attendance, caller.language, now=now)


async def _redraw(update: Update, caller: Caller, meeting_id: int) -> None:
    view = await _view(caller, meeting_id)
    if view is not None:
        await reply(update, view[0], view[1], edit=True)


async def _redraw_message(
    context: Context, caller: Caller, chat_id: int, message_id: int, meeting_id: int
) -> None:
    view = await _view(caller, meeting_id)
    if view is None:
        return
    # The request may have been deleted meanwhile, or show this state already: nothing to do.
    with contextlib.suppress(BadRequest):
        await context.bot.edit_message_text(
            view[0],
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(view[1]),
        )


@members_only
async def pressed(update: Update, context: Context, caller: Caller) -> int | None:
    match = parse_callback(update, ANSWER_BUTTON)
    if not is_private(update):
        raise UserError("attendance.private_only")
    if not _from_this_message(update):
        raise UserError("attendance.wrong_message")
    meeting_id, sequence, code = int(match.group(1)), int(match.group(2)), match.group(3)
    runtime = caller.runtime
    now = runtime.now()
    if code == CLOSED_CODE:
        async with runtime.sessions() as session:
            meeting = await fresh_meeting(session, meeting_id=meeting_id)
        reopened = meeting is not None and is_open(meeting, now)  # moved to a later time
        key = "attendance.changed" if reopened else "attendance.closed"
        await answer_query(update, caller.t(key), alert=True)
        await _redraw(update, caller, meeting_id)
        return END
    status = ANSWER_CODES[code]
    try:
        if status == AttendanceStatus.DEPUTY:
            async with runtime.sessions() as session:
                meeting = await answerable_meeting(
                    session,
                    person=caller.person,
                    meeting_id=meeting_id,
                    sequence=sequence,
                    now=now,
                    settings=runtime.settings,
                )
            return await _ask_deputy(update, context, caller, meeting)
        async with runtime.sessions.begin() as session:
            answered = await record_answer(
                session,
                person=caller.person,
                meeting_id=meeting_id,
                sequence=sequence,
                status=status,
                now=now,
                settings=runtime.settings,
            )
    except AnswerRefused as refused:
        await answer_query(update, refused.render(caller.language), alert=True)
        await _redraw(update, caller, refused.meeting_id)
        return END
    await answer_query(
        update,
        caller.t(
            "attendance.saved", answer=Html(answer_label(answered.attendance, caller.language))
        ),
    )
    await _redraw(update, caller, meeting_id)
    return END


async def pressed_by_anyone(update: Update, context: Context) -> int | None:
    """Strangers first get a refusal short enough for a callback answer (Telegram allows 200
    characters; the general refusal in bot.access is longer and would fail there)."""
    runtime = get_runtime(context)
    if await resolve_caller(update, runtime) is None:
        user = update.effective_user
        code = user.language_code if user else None
        language = normalize_language(code, runtime.settings.language)
        await answer_query(update, t(language, "attendance.stranger"), alert=True)
        return None
    return await pressed(update, context)


async def _ask_deputy(update: Update, context: Context, caller: Caller, meeting: Meeting) -> int:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    # Typed text is the name now; the step is stored before the question goes out.
    pending = dialogues.begin(context, DIALOGUE, DeputyDraft, Step.DEPUTY_NAME)
    pending.meeting_id, pending.sequence = meeting.id, meeting.sequence
    pending.chat_id, pending.message_id = query.message.chat_id, query.message.message_id
    await answer_query(update, caller.t("attendance.deputy_prompt"))
    when = format_when(meeting.start, caller.language, caller.runtime.tz)
    await reply(update, caller.t("attendance.deputy_ask", title=meeting_title(meeting), when=when))
    return Step.DEPUTY_NAME


@members_only
async def got_deputy_name(update: Update, context: Context, caller: Caller) -> int | None:
    pending = _pending(context)
    runtime = caller.runtime
    if pending.meeting_id is None:  # cannot happen while the step is stored with its draft
        _finish(context)
        await reply(update, caller.t("fallback.unknown_command"))
        return END
    message = update.effective_message
    try:
        async with runtime.sessions.begin() as session:
            answered = await record_answer(
                session,
                person=caller.person,
                meeting_id=pending.meeting_id,
                sequence=pending.sequence,
                status=AttendanceStatus.DEPUTY,
                deputy_name=message.text if message else None,
                now=runtime.now(),
                settings=runtime.settings,
            )
    except AnswerRefused as refused:
        _finish(context)
        await reply(update, refused.render(caller.language))
        await _redraw_message(
            context, caller, pending.chat_id, pending.message_id, refused.meeting_id
        )
        return END
    # A bad name raised UserError above: the guard showed why and the question stays open.
    _finish(context)
    answer = Html(answer_label(answered.attendance, caller.language))
    await reply(
        update,
        caller.t("attendance.deputy_saved", answer=answer, title=meeting_title(answered.meeting)),
    )
    await _redraw_message(context, caller, pending.chat_id, pending.message_id, answered.meeting.id)
    return END


@members_only
async def abort(update: Update, context: Context, caller: Caller) -> int:
    meeting_id = _pending(context).meeting_id
    _finish(context)
    answer = caller.t("attendance.no_answer")
    if meeting_id is not None:
        async with caller.runtime.sessions() as session:
            attendance = await answer_of(session, meeting_id=meeting_id, person_id=caller.person.id)
        answer = answer_label(attendance, caller.language)
    await reply(update, caller.t("attendance.deputy_aborted", answer=Html(answer)))
    return END


def handlers(memory: DialogueMemory) -> list[BaseHandler[Update, Context, Any]]:
    """The dialogue; its state is the chat's stored dialogue (bot/dialogues). Typed text is the
    deputy's name only while this question is the chat's current dialogue."""
    text_input = dialogues.TYPED_TEXT
    dialogue = dialogues.dialogue(
        DIALOGUE,
        memory,
        entry_points=[CallbackQueryHandler(pressed_by_anyone, pattern=r"^att:")],
        states={Step.DEPUTY_NAME: [MessageHandler(text_input, got_deputy_name)]},
        fallbacks=[CommandHandler("abbrechen", abort)],
    )
    return [dialogue]
