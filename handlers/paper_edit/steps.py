"""The steps of /vorlage_bearbeiten (registered in __init__.py)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot import dialogues as dialogue
from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.i18n import Html
from bot.parsing import parse_date
from bot.services.council_admin import UNCHANGED, clean_paper_name, clean_proposal
from bot.services.council_admin.common import clean_line, clean_text
from bot.services.council_admin.edits import PaperEdit, edit_paper
from bot.services.council_admin.papers import MAX_PAPER_TYPE, MAX_PROPOSAL
from bot.ui import Button, answer_query, parse_callback, reply
from bot.views.council_admin import draft_paper, paper_preview
from bot.views.pickers import shorten
from bot.views.text import split_blocks
from handlers.paper_edit.common import FIELDS, LOCAL_FIELDS, NAME, PaperEditDraft, Step, step
from handlers.paper_edit.common import begin as begin_draft
from handlers.paper_edit.common import draft as _draft
from storage.models import Organization, OrganizationKind, Paper
from storage.queries.council import paper_by_reference
from storage.queries.council_admin import organization_by_id
from storage.queries.organizations import of_kind

Context = ContextTypes.DEFAULT_TYPE
PAPER_BUTTON = re.compile(r"pedt:paper:(\d{1,12})")
FIELD_BUTTON = re.compile(r"pedt:field:(name|paper_type|date|originator|proposal|summary)")
ORIGINATOR_BUTTON = re.compile(r"pedt:orig:(\d{1,9}|-)")
MAX_DEPARTMENT_BUTTONS = 90  # Telegram allows 100 buttons per keyboard
MAX_SHOWN = 1500  # characters of the old value shown in the question
MAX_PREVIEW = 3500  # characters of the preview in one message (the buttons go with it)


async def _start(update: Update, context: Context, caller: Caller, paper: Paper) -> int:
    draft = begin_draft(context, Step.MENU)
    draft.paper_id, draft.reference = paper.id, paper.reference
    draft.synced, draft.web = paper.oparl_id is not None, paper.web
    draft.old_name = draft.name = paper.name
    draft.old_paper_type = draft.paper_type = paper.paper_type
    draft.old_day = draft.day = paper.date
    draft.old_originator_id = draft.originator_id = paper.originator_id
    draft.old_proposal = draft.proposal = paper.proposal
    draft.old_summary = draft.summary = paper.summary
    return await _show_menu(update, context, caller)


@admins_only
async def begin_command(update: Update, context: Context, caller: Caller) -> int | None:
    reference = " ".join(context.args or []).strip()
    if not reference:
        await reply(update, caller.t("paper_edit.usage"))
        return None
    async with caller.runtime.sessions() as session:
        paper = await paper_by_reference(session, reference=reference)
    if paper is None:
        raise UserError("paper_admin.no_such_paper", reference=reference)
    return await _start(update, context, caller, paper)


@admins_only
async def begin_button(update: Update, context: Context, caller: Caller) -> int:
    paper_id = int(parse_callback(update, PAPER_BUTTON).group(1))
    async with caller.runtime.sessions() as session:
        found = await session.get(Paper, paper_id)
        reference = found.reference if found is not None else None
        paper = await paper_by_reference(session, reference=reference) if reference else None
    if paper is None:
        raise UserError("council_admin.paper_not_found")
    await answer_query(update)
    return await _start(update, context, caller, paper)


def _values(draft: PaperEditDraft, old: bool) -> dict[str, object]:
    prefix = "old_" if old else ""
    return {
        "name": getattr(draft, f"{prefix}name"),
        "paper_type": getattr(draft, f"{prefix}paper_type"),
        "date": getattr(draft, f"{prefix}day"),
        "originator": getattr(draft, f"{prefix}originator_id"),
        "proposal": getattr(draft, f"{prefix}proposal"),
        "summary": getattr(draft, f"{prefix}summary"),
    }


def _changed(draft: PaperEditDraft) -> list[str]:
    old, new = _values(draft, True), _values(draft, False)
    return [field for field in FIELDS if old[field] != new[field]]


async def _originator(caller: Caller, organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    async with caller.runtime.sessions() as session:
        organization = await organization_by_id(session, organization_id=organization_id)
    if organization is None or organization.kind != OrganizationKind.DEPARTMENT:
        raise UserError("council_admin.unknown_department", key=str(organization_id))
    return organization


async def _show_menu(update: Update, context: Context, caller: Caller) -> int:
    """The Vorlage as members will see it with the corrections so far, a button per field."""
    draft = _draft(context)
    preview = draft_paper(
        reference=draft.reference,
        name=draft.name,
        paper_type=draft.paper_type,
        day=draft.day,
        originator=await _originator(caller, draft.originator_id),
        proposal=draft.proposal,
    )
    preview.summary = draft.summary
    blocks = paper_preview(preview, caller.language, caller.runtime.tz)
    [first, *rest] = split_blocks(blocks, limit=MAX_PREVIEW, sep="\n\n")
    if rest:  # a long Sachverhalt: its start is enough to check the correction
        first += "\n…"
    changed = _changed(draft)
    editable = LOCAL_FIELDS if draft.synced else FIELDS
    rows: list[list[Button]] = [
        [(caller.t(f"paper_edit.button.{field}"), f"pedt:field:{field}")] for field in editable
    ]
    if changed:
        names = ", ".join(caller.t(f"notices.field.{field}") for field in changed)
        text = caller.t("paper_edit.preview_changed", preview=Html(first), fields=names)
        rows.append([(caller.t("paper_edit.save_button"), "pedt:ok")])
    else:
        text = caller.t("paper_edit.preview", preview=Html(first))
    if draft.synced:  # title, type, date and lead department: changed in the RIS
        note = "paper_edit.synced_note_web" if draft.web else "paper_edit.synced_note"
        text += "\n\n" + caller.t(note, web=draft.web or "")
    dialogue.goto(context, NAME, Step.MENU)
    edit = update.callback_query is not None
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.MENU


@step()
async def got_field(update: Update, context: Context, caller: Caller) -> int:
    field = parse_callback(update, FIELD_BUTTON).group(1)
    draft = _draft(context)
    await answer_query(update)
    if field == "originator":
        async with caller.runtime.sessions() as session:
            departments = await of_kind(session, kind=OrganizationKind.DEPARTMENT)
        rows: list[list[Button]] = [
            [(org.name, f"pedt:orig:{org.id}")] for org in departments[:MAX_DEPARTMENT_BUTTONS]
        ]
        rows.append([(caller.t("paper_admin.no_originator"), "pedt:orig:-")])
        dialogue.goto(context, NAME, Step.ORIGINATOR)
        text = caller.t("paper_admin.ask_originator")
        await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=True)
        return Step.ORIGINATOR
    draft.field = field
    current = _values(draft, False)[field]
    if current is None:
        shown = caller.t("admin_dialogue.none")
    elif field == "date":
        shown = draft.day.strftime("%d.%m.%Y") if draft.day else ""
    else:
        shown = shorten(str(current), MAX_SHOWN)  # a long Sachverhalt: its start
    dialogue.goto(context, NAME, Step.VALUE)
    text = caller.t(f"paper_edit.ask.{field}", old=shown)
    await reply(update, text, dialogue.with_abort(caller, NAME), edit=True)
    return Step.VALUE


@step()
async def got_value(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    text = dialogue.raw_text(update).strip()
    dash = dialogue.is_dash(text)
    if draft.field == "name":
        draft.name = clean_paper_name(dialogue.typed(update))
    elif draft.field == "paper_type":
        draft.paper_type = clean_line(
            text,
            limit=MAX_PAPER_TYPE,
            empty_key="council_admin.paper_type_empty",
            long_key="council_admin.paper_type_too_long",
        )
    elif draft.field == "date":
        draft.day = None if dash else parse_date(text)
    elif draft.field == "proposal":
        draft.proposal = None if dash else clean_proposal(text)
    elif draft.field == "summary":
        summary_long = "council_admin.summary_too_long"
        draft.summary = (
            None if dash else clean_text(text, limit=MAX_PROPOSAL, long_key=summary_long)
        )
    else:
        raise UserError("access.bad_button")
    return await _show_menu(update, context, caller)


@step()
async def got_originator(update: Update, context: Context, caller: Caller) -> int:
    value = parse_callback(update, ORIGINATOR_BUTTON).group(1)
    organization = None if value == "-" else await _originator(caller, int(value))
    _draft(context).originator_id = organization.id if organization else None
    await answer_query(update)
    return await _show_menu(update, context, caller)


@step()
async def confirmed(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    runtime = caller.runtime
    if draft.paper_id is None:
        raise UserError("access.bad_button")
    changed = _changed(draft)
    if not changed:
        raise UserError("council_admin.edit_unchanged")
    originator = await _originator(caller, draft.originator_id)
    edit = PaperEdit(
        name=draft.name if "name" in changed else UNCHANGED,
        paper_type=draft.paper_type if "paper_type" in changed else UNCHANGED,
        date=draft.day if "date" in changed else UNCHANGED,
        originator_key=(originator.key if originator else None)
        if "originator" in changed
        else UNCHANGED,
        proposal=draft.proposal if "proposal" in changed else UNCHANGED,
        summary=draft.summary if "summary" in changed else UNCHANGED,
    )
    async with runtime.sessions.begin() as session:
        await edit_paper(
            session,
            actor=caller.person,
            paper_id=draft.paper_id,
            edit=edit,
            now=runtime.now(),
            notifier=runtime.change_notifier(caller.person.id),
        )
    await answer_query(update)
    names = ", ".join(caller.t(f"notices.field.{field}") for field in changed)
    text = caller.t("paper_edit.saved", reference=draft.reference, fields=names)
    await reply(update, text, edit=True)
    return dialogue.finish(context, NAME)


@step()
async def abort(update: Update, context: Context, caller: Caller) -> int:
    return await dialogue.abort(update, context, caller, NAME)
