"""The steps of the typed agenda dialogue (registered in __init__.py)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot import dialogues as dialogue
from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.services.council_admin import UNCHANGED
from bot.services.council_admin.edits import (
    ItemEdit,
    add_agenda_item,
    agenda_item,
    agenda_of,
    clean_item_name,
    clean_number,
    edit_agenda_item,
)
from bot.ui import Button, answer_query, parse_callback, reply
from handlers.agenda_edit.common import ADD, EDIT, NAME, ItemDraft, Step, step
from handlers.agenda_edit.common import begin as begin_draft
from handlers.agenda_edit.common import draft as _draft
from storage.models import Meeting
from storage.queries.council import paper_by_reference

Context = ContextTypes.DEFAULT_TYPE
ADD_BUTTON = re.compile(r"agde:add:(\d{1,12})")
ITEM_BUTTON = re.compile(r"agde:item:(\d{1,12})")
PUBLIC_BUTTON = re.compile(r"agde:public:(yes|no)")
FIELD_BUTTON = re.compile(r"agde:field:(number|title|public|paper|unlink)")
MAX_REFERENCE = 50


async def _meeting(caller: Caller, meeting_id: int | None) -> Meeting:
    if meeting_id is None:
        raise UserError("access.bad_button")
    runtime = caller.runtime
    async with runtime.sessions() as session:
        return await agenda_of(session, meeting_id=meeting_id, now=runtime.now())


def _next_number(meeting: Meeting) -> str:
    """The number after the last numeric one ("1" for an empty agenda)."""
    numbers = [int(item.number) for item in meeting.agenda_items if item.number.isdigit()]
    return str(max(numbers, default=0) + 1)


@admins_only
async def begin_add(update: Update, context: Context, caller: Caller) -> int:
    meeting = await _meeting(caller, int(parse_callback(update, ADD_BUTTON).group(1)))
    draft = begin_draft(context, Step.NUMBER)
    draft.mode, draft.meeting_id = ADD, meeting.id
    await answer_query(update)
    suggested = _next_number(meeting)
    rows = [[(caller.t("agenda_edit.take_number", number=suggested), f"agde:num:{suggested}")]]
    text = caller.t("agenda_edit.ask_number", title=meeting.name)
    await reply(update, text, dialogue.with_abort(caller, NAME, rows))
    return Step.NUMBER


@admins_only
async def begin_edit(update: Update, context: Context, caller: Caller) -> int:
    item_id = int(parse_callback(update, ITEM_BUTTON).group(1))
    runtime = caller.runtime
    async with runtime.sessions() as session:
        ref = await agenda_item(session, item_id=item_id)
        meeting = await agenda_of(session, meeting_id=ref.meeting_id, now=runtime.now())
    [item] = [item for item in meeting.agenda_items if item.id == item_id]
    draft = begin_draft(context, Step.MENU)
    draft.mode, draft.meeting_id, draft.item_id = EDIT, meeting.id, item_id
    paper = item.paper.reference if item.paper else None
    draft.old_number, draft.old_name, draft.old_public, draft.old_paper = (
        item.number,
        item.name,
        item.public,
        paper,
    )
    draft.number, draft.name, draft.public, draft.paper = item.number, item.name, item.public, paper
    await answer_query(update)
    return await _show_menu(update, context, caller, edit=False)


def _changed(draft: ItemDraft) -> list[str]:
    if draft.mode == ADD:
        return []
    old = {
        "number": draft.old_number,
        "title": draft.old_name,
        "public": draft.old_public,
        "paper": draft.old_paper,
    }
    new = {
        "number": draft.number,
        "title": draft.name,
        "public": draft.public,
        "paper": draft.paper,
    }
    return [field for field in old if old[field] != new[field]]


def item_line(caller: Caller, draft: ItemDraft) -> str:
    """The item as members will read it on the agenda."""
    return caller.t(
        "meetings.agenda_item",
        number=draft.number,
        name=draft.name,
        non_public="" if draft.public else caller.t("meetings.item_non_public"),
        paper=caller.t("agenda_edit.paper_suffix", reference=draft.paper) if draft.paper else "",
    )


async def _show_menu(update: Update, context: Context, caller: Caller, *, edit: bool) -> int:
    """The preview: the item as members will read it, a button per field, and ✅."""
    draft = _draft(context)
    draft.in_menu = True
    meeting = await _meeting(caller, draft.meeting_id)
    changed = _changed(draft)
    rows: list[list[Button]] = [
        [
            (caller.t("agenda_edit.field_number"), "agde:field:number"),
            (caller.t("agenda_edit.field_title"), "agde:field:title"),
        ],
        [
            (
                caller.t("agenda_edit.make_closed" if draft.public else "agenda_edit.make_public"),
                "agde:field:public",
            )
        ],
        [(caller.t("agenda_edit.field_paper"), "agde:field:paper")],
    ]
    if draft.paper:
        rows[-1].append(
            (caller.t("agenda_edit.unlink", reference=draft.paper), "agde:field:unlink")
        )
    if draft.mode == ADD:
        key = "agenda_edit.preview_add"
        rows.append([(caller.t("agenda_edit.add_button"), "agde:ok")])
    elif changed:
        key = "agenda_edit.preview_edit"
        rows.append([(caller.t("agenda_edit.save_button"), "agde:ok")])
    else:
        key = "agenda_edit.ask_field"
    fields = ", ".join(caller.t(f"agenda_edit.field.{field}") for field in changed)
    text = caller.t(key, title=meeting.name, item=item_line(caller, draft), fields=fields)
    dialogue.goto(context, NAME, Step.MENU)
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.MENU


async def _ask_title(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    dialogue.goto(context, NAME, Step.TITLE)
    key = "agenda_edit.ask_title_again" if draft.in_menu else "agenda_edit.ask_title"
    edit = update.callback_query is not None
    text = caller.t(key, number=draft.number, old=draft.name)
    await reply(update, text, dialogue.with_abort(caller, NAME), edit=edit)
    return Step.TITLE


async def _got_number(update: Update, context: Context, caller: Caller, number: str) -> int:
    draft = _draft(context)
    number = clean_number(number)
    meeting = await _meeting(caller, draft.meeting_id)
    taken = {item.number for item in meeting.agenda_items if item.id != draft.item_id}
    if number in taken:
        raise UserError("council_admin.item_number_taken", number=number)
    draft.number = number
    if draft.in_menu:
        return await _show_menu(update, context, caller, edit=update.callback_query is not None)
    return await _ask_title(update, context, caller)


@step()
async def got_number(update: Update, context: Context, caller: Caller) -> int:
    return await _got_number(update, context, caller, dialogue.typed(update))


@step()
async def took_number(update: Update, context: Context, caller: Caller) -> int:
    query = update.callback_query
    number = (query.data or "").removeprefix("agde:num:") if query else ""
    await answer_query(update)
    return await _got_number(update, context, caller, number)


@step()
async def got_title(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    draft.name = clean_item_name(dialogue.typed(update))
    if draft.in_menu:
        return await _show_menu(update, context, caller, edit=False)
    rows = dialogue.yes_no_rows(
        (caller.t("agenda_edit.public_yes"), "agde:public:yes"),
        (caller.t("agenda_edit.public_no"), "agde:public:no"),
        usual_yes=True,
        caller=caller,
    )
    dialogue.goto(context, NAME, Step.PUBLIC)
    await reply(update, caller.t("agenda_edit.ask_public"), dialogue.with_abort(caller, NAME, rows))
    return Step.PUBLIC


async def _ask_paper(update: Update, context: Context, caller: Caller) -> int:
    dialogue.goto(context, NAME, Step.PAPER)
    rows = [[(caller.t("agenda_edit.no_paper"), "agde:paper:none")]]
    edit = update.callback_query is not None
    await reply(
        update,
        caller.t("agenda_edit.ask_paper"),
        dialogue.with_abort(caller, NAME, rows),
        edit=edit,
    )
    return Step.PAPER


@step()
async def got_public(update: Update, context: Context, caller: Caller) -> int:
    _draft(context).public = parse_callback(update, PUBLIC_BUTTON).group(1) == "yes"
    await answer_query(update)
    return await _ask_paper(update, context, caller)


@step()
async def got_paper(update: Update, context: Context, caller: Caller) -> int:
    text = dialogue.typed(update)
    draft = _draft(context)
    if dialogue.is_dash(text):
        draft.paper = None
    else:
        reference = text.strip()
        if len(reference) > MAX_REFERENCE:
            raise UserError("council_admin.bad_reference", text=reference[:MAX_REFERENCE])
        async with caller.runtime.sessions() as session:
            paper = await paper_by_reference(session, reference=reference)
        if paper is None:
            raise UserError("council_admin.unknown_paper", reference=reference)
        draft.paper = paper.reference
    return await _show_menu(update, context, caller, edit=False)


@step()
async def no_paper(update: Update, context: Context, caller: Caller) -> int:
    _draft(context).paper = None
    await answer_query(update)
    return await _show_menu(update, context, caller, edit=True)


@step()
async def got_field(update: Update, context: Context, caller: Caller) -> int:
    field = parse_callback(update, FIELD_BUTTON).group(1)
    draft = _draft(context)
    await answer_query(update)
    if field == "public":
        draft.public = not draft.public
        return await _show_menu(update, context, caller, edit=True)
    if field == "unlink":
        draft.paper = None
        return await _show_menu(update, context, caller, edit=True)
    if field == "title":
        return await _ask_title(update, context, caller)
    if field == "paper":
        return await _ask_paper(update, context, caller)
    dialogue.goto(context, NAME, Step.NUMBER)
    text = caller.t("agenda_edit.ask_number_again", old=draft.number)
    await reply(update, text, dialogue.with_abort(caller, NAME), edit=True)
    return Step.NUMBER


@step()
async def confirmed(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    runtime = caller.runtime
    if draft.meeting_id is None:
        raise UserError("access.bad_button")
    async with runtime.sessions.begin() as session:
        notifier = runtime.change_notifier(caller.person.id)
        if draft.mode == ADD:
            await add_agenda_item(
                session,
                actor=caller.person,
                meeting_id=draft.meeting_id,
                number=draft.number,
                name=draft.name,
                public=draft.public,
                paper=draft.paper,
                now=runtime.now(),
                notifier=notifier,
            )
        else:
            changed = _changed(draft)
            if not changed:
                raise UserError("council_admin.edit_unchanged")
            await edit_agenda_item(
                session,
                actor=caller.person,
                meeting_id=draft.meeting_id,
                number=draft.old_number,
                edit=ItemEdit(
                    number=draft.number,
                    name=draft.name if "title" in changed else UNCHANGED,
                    public=draft.public if "public" in changed else UNCHANGED,
                    paper=draft.paper if "paper" in changed else UNCHANGED,
                ),
                now=runtime.now(),
                notifier=notifier,
            )
    await answer_query(update)
    key = "agenda_edit.added" if draft.mode == ADD else "agenda_edit.saved"
    rows = [[(caller.t("agenda_edit.back"), f"agd:show:{draft.meeting_id}")]]
    await reply(update, caller.t(key, item=item_line(caller, draft)), rows, edit=True)
    return dialogue.finish(context, NAME)


@step()
async def abort(update: Update, context: Context, caller: Caller) -> int:
    return await dialogue.abort(update, context, caller, NAME)
