"""The steps of /termin_verschieben and /termin_absagen (registered in __init__.py).

Choose one of the upcoming meetings (buttons, paged) → for a move: new start, end (or the
same duration), place (or kept) → the reason, optional ("Ohne Begründung" or "-") → preview
as members will see it → confirm. The reason is shown in the notice and the calendar event.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot import dialogues as dialogue
from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.i18n import Html, format_when
from bot.parsing import parse_datetime, parse_end
from bot.services.council_admin import (
    UNCHANGED,
    cancel_meeting,
    changeable_meeting,
    check_times,
    clean_location,
    move_meeting,
    refuse_synced_meeting,
)
from bot.services.council_admin.meetings import clean_reason
from bot.ui import Button, answer_query, parse_callback, reply
from bot.views.council import meeting_title
from bot.views.council_admin import changed_meeting, meeting_preview
from bot.views.pickers import confirm_rows, meeting_labels
from handlers.meeting_admin import edit
from handlers.meeting_admin.common import CANCEL, EDIT, MOVE, NAME, Step, step
from handlers.meeting_admin.common import begin as begin_draft
from handlers.meeting_admin.common import draft as _draft
from storage.models import Meeting
from storage.queries.council_admin import changeable_meetings

Context = ContextTypes.DEFAULT_TYPE
PICK_BUTTON = re.compile(r"madm:pick:(\d{1,12})")
PAGE_BUTTON = re.compile(r"madm:page:(\d{1,5})")
PAGE_SIZE = 8


async def _show_choices(update: Update, caller: Caller, mode: str, offset: int) -> int | None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        page = await changeable_meetings(session, now=runtime.now(), limit=PAGE_SIZE, offset=offset)
    edit = update.callback_query is not None
    if not page.items:
        await reply(update, caller.t("meeting_admin.none_changeable"), edit=edit)
        return None
    labels = meeting_labels(page.items, caller.language, runtime.tz)
    rows: list[list[Button]] = [
        [(label, f"madm:pick:{meeting.id}")]
        for meeting, label in zip(page.items, labels, strict=True)
    ]
    navigation: list[Button] = []
    if page.has_previous:
        navigation.append(
            (caller.t("meeting_admin.earlier"), f"madm:page:{max(0, offset - PAGE_SIZE)}")
        )
    if page.has_more:
        navigation.append((caller.t("meeting_admin.later"), f"madm:page:{offset + PAGE_SIZE}"))
    rows.append(navigation)
    question = {MOVE: "meeting_admin.ask_pick_move", EDIT: "meeting_admin.ask_pick_edit"}.get(
        mode, "meeting_admin.ask_pick_cancel"
    )
    await reply(update, caller.t(question), dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.PICK


async def _begin(update: Update, context: Context, caller: Caller, mode: str) -> int | None:
    begin_draft(context, Step.PICK).mode = mode
    state = await _show_choices(update, caller, mode, 0)
    if state is None:
        dialogue.finish(context, NAME)
    return state


@admins_only
async def begin_move(update: Update, context: Context, caller: Caller) -> int | None:
    return await _begin(update, context, caller, MOVE)


@admins_only
async def begin_cancel(update: Update, context: Context, caller: Caller) -> int | None:
    return await _begin(update, context, caller, CANCEL)


@admins_only
async def begin_edit(update: Update, context: Context, caller: Caller) -> int | None:
    return await _begin(update, context, caller, EDIT)


@step(Step.PICK)
async def got_page(update: Update, context: Context, caller: Caller) -> int:
    offset = int(parse_callback(update, PAGE_BUTTON).group(1))
    await answer_query(update)
    mode = _draft(context).mode or MOVE
    return await _show_choices(update, caller, mode, offset) or Step.PICK


async def _meeting(caller: Caller, meeting_id: int | None) -> Meeting:
    """The chosen meeting, checked again (it may have been cancelled meanwhile)."""
    if meeting_id is None:
        raise UserError("access.bad_button")
    runtime = caller.runtime
    async with runtime.sessions() as session:
        return await changeable_meeting(session, meeting_id=meeting_id, now=runtime.now())


@step()
async def got_pick(update: Update, context: Context, caller: Caller) -> int:
    meeting = await _meeting(caller, int(parse_callback(update, PICK_BUTTON).group(1)))
    draft = _draft(context)
    if draft.mode in (MOVE, CANCEL):
        refuse_synced_meeting(meeting)  # moved and cancelled in the information system
    draft.meeting_id, draft.old_start, draft.old_end = meeting.id, meeting.start, meeting.end
    await answer_query(update)
    tz = caller.runtime.tz
    if draft.mode == CANCEL:
        return await _ask_reason(update, context, caller)
    if draft.mode == EDIT:
        return await edit.show_menu(update, context, caller, edit=True)
    preview = Html(meeting_preview(meeting, caller.language, tz, head_only=True))
    text = caller.t("meeting_admin.ask_new_start", preview=preview)
    dialogue.goto(context, NAME, Step.NEW_START)
    await reply(update, text, dialogue.with_abort(caller, NAME), edit=True)
    return Step.NEW_START


@step(Step.NEW_END)
async def got_new_start(update: Update, context: Context, caller: Caller) -> int:
    runtime = caller.runtime
    start = parse_datetime(dialogue.typed(update), runtime.tz)
    check_times(start, None, now=runtime.now())
    draft = _draft(context)
    draft.start = start
    rows: list[list[Button]] = []
    if draft.old_end is not None:
        rows.append([(caller.t("meeting_admin.keep_duration"), "madm:end:keep")])
    text = caller.t("meeting_admin.ask_new_end")
    await reply(update, text, dialogue.with_abort(caller, NAME, rows))
    return Step.NEW_END


async def _ask_place(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    meeting = await _meeting(caller, draft.meeting_id)
    location = meeting.location or caller.t("admin_dialogue.none")
    rows = [[(caller.t("meeting_admin.keep_place"), "madm:place:keep")]]
    text = caller.t("meeting_admin.ask_new_place", location=location)
    edit = update.callback_query is not None
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.NEW_PLACE


@step(Step.NEW_PLACE)
async def got_new_end(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    text = dialogue.typed(update)
    tz = caller.runtime.tz
    assert draft.start is not None
    draft.end = None if dialogue.is_dash(text) else parse_end(text, start=draft.start, tz=tz)
    return await _ask_place(update, context, caller)


@step(Step.NEW_PLACE)
async def keep_duration(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    old_start, old_end = draft.old_start, draft.old_end
    assert draft.start is not None and old_start is not None
    draft.end = draft.start + (old_end - old_start) if old_end else None
    await answer_query(update)
    return await _ask_place(update, context, caller)


async def _preview_move(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    meeting = await _meeting(caller, draft.meeting_id)
    location = meeting.location if draft.keep_location else draft.location
    assert draft.start is not None
    after = changed_meeting(meeting, start=draft.start, end=draft.end, location=location)
    tz = caller.runtime.tz
    preview = meeting_preview(after, caller.language, tz, head_only=True)
    text = caller.t(
        "meeting_admin.preview_move",
        preview=Html(preview + _reason_line(caller, draft.reason)),
        old=format_when(meeting.start, caller.language, tz),
    )
    rows = [[(caller.t("meeting_admin.move_button"), "madm:ok")]]
    edit = update.callback_query is not None
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.CONFIRM_MOVE


@step(Step.REASON)
async def got_new_place(update: Update, context: Context, caller: Caller) -> int:
    text = dialogue.typed(update)
    location = None if dialogue.is_dash(text) else clean_location(text)
    draft = _draft(context)
    draft.location, draft.keep_location = location, False
    return await _ask_reason(update, context, caller)


@step(Step.REASON)
async def keep_place(update: Update, context: Context, caller: Caller) -> int:
    _draft(context).keep_location = True
    await answer_query(update)
    return await _ask_reason(update, context, caller)


async def _ask_reason(update: Update, context: Context, caller: Caller) -> int:
    """The optional reason of a move or a cancellation (shown in the notice and calendar)."""
    mode = _draft(context).mode
    dialogue.goto(context, NAME, Step.REASON)
    rows = [[(caller.t("meeting_admin.no_reason"), "madm:reason:none")]]
    key = "meeting_admin.ask_reason_cancel" if mode == CANCEL else "meeting_admin.ask_reason_move"
    edit = update.callback_query is not None
    await reply(update, caller.t(key), dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.REASON


async def _after_reason(update: Update, context: Context, caller: Caller) -> int:
    if _draft(context).mode == CANCEL:
        return await _preview_cancel(update, context, caller)
    dialogue.goto(context, NAME, Step.CONFIRM_MOVE)
    return await _preview_move(update, context, caller)


@step()
async def got_reason(update: Update, context: Context, caller: Caller) -> int:
    text = dialogue.typed(update)
    _draft(context).reason = None if dialogue.is_dash(text) else clean_reason(text)
    return await _after_reason(update, context, caller)


@step()
async def no_reason(update: Update, context: Context, caller: Caller) -> int:
    _draft(context).reason = None
    await answer_query(update)
    return await _after_reason(update, context, caller)


def _reason_line(caller: Caller, reason: str | None) -> str:
    return "\n\n" + caller.t("meeting_admin.reason_line", reason=reason) if reason else ""


async def _preview_cancel(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    meeting = await _meeting(caller, draft.meeting_id)
    after = changed_meeting(meeting, cancelled=True)
    preview = meeting_preview(after, caller.language, caller.runtime.tz, head_only=True)
    preview = Html(preview + _reason_line(caller, draft.reason))
    text = caller.t("meeting_admin.preview_cancel", preview=preview)
    rows = confirm_rows(caller.language, "cancel", "madm:ok", f"{NAME}:abort")
    dialogue.goto(context, NAME, Step.CONFIRM_CANCEL)
    edit = update.callback_query is not None
    await reply(update, text, rows, edit=edit)
    return Step.CONFIRM_CANCEL


async def _done(
    update: Update, context: Context, caller: Caller, key: str, meeting: Meeting
) -> int:
    await answer_query(update)
    when = format_when(meeting.start, caller.language, caller.runtime.tz)
    await reply(update, caller.t(key, title=meeting_title(meeting), when=when), edit=True)
    return dialogue.finish(context, NAME)


@step()
async def confirmed_move(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    runtime = caller.runtime
    if draft.meeting_id is None or draft.start is None:
        raise UserError("access.bad_button")
    async with runtime.sessions.begin() as session:
        moved = await move_meeting(
            session,
            actor=caller.person,
            meeting_id=draft.meeting_id,
            start=draft.start,
            end=draft.end,
            location=UNCHANGED if draft.keep_location else draft.location,
            reason=draft.reason,
            now=runtime.now(),
            tz=runtime.tz,
            notifier=runtime.change_notifier(caller.person.id),
        )
    return await _done(update, context, caller, "meeting_admin.moved", moved.item)


@step()
async def confirmed_cancel(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    runtime = caller.runtime
    if draft.meeting_id is None:
        raise UserError("access.bad_button")
    async with runtime.sessions.begin() as session:
        cancelled = await cancel_meeting(
            session,
            actor=caller.person,
            meeting_id=draft.meeting_id,
            reason=draft.reason,
            now=runtime.now(),
            tz=runtime.tz,
            notifier=runtime.change_notifier(caller.person.id),
        )
    return await _done(update, context, caller, "meeting_admin.cancelled", cancelled.item)
