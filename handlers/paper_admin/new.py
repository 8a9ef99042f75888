"""The steps of /vorlage_neu up to publishing (registered in handlers/paper_admin/__init__.py)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import (
    ContextTypes,
)

from bot import dialogues as dialogue
from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.parsing import parse_date
from bot.services.council_admin import (
    check_new_reference,
    clean_paper_name,
    clean_proposal,
    department,
    publish_paper,
)
from bot.ui import Button, answer_query, parse_callback, reply
from bot.views.council_admin import draft_paper, paper_preview
from bot.views.text import split_blocks
from handlers.paper_admin.common import NAME, Step, step
from handlers.paper_admin.common import begin as begin_draft
from handlers.paper_admin.common import draft as _draft
from storage.models import Organization, OrganizationKind
from storage.queries.council import paper_by_reference
from storage.queries.council_admin import organization_by_id
from storage.queries.organizations import of_kind

Context = ContextTypes.DEFAULT_TYPE
# Button code → the paper_type stored (German, as in OParl data and import files).
PAPER_TYPES = {
    "beschluss": "Beschlussvorlage",
    "information": "Informationsvorlage",
    "antrag": "Antrag",
    "drucksache": "Drucksache",
}
TYPE_BUTTON = re.compile(r"padm:type:(beschluss|information|antrag|drucksache)")
DATE_BUTTON = re.compile(r"padm:date:today")
ORIGINATOR_BUTTON = re.compile(r"padm:orig:(\d{1,9}|-)")
MAX_DEPARTMENT_BUTTONS = 90  # Telegram allows 100 buttons per keyboard


@admins_only
async def begin(update: Update, context: Context, caller: Caller) -> int:
    begin_draft(context, Step.REFERENCE)
    text = caller.t("paper_admin.ask_reference")
    await reply(update, text, dialogue.with_abort(caller, NAME))
    return Step.REFERENCE


@step(Step.TITLE)
async def got_reference(update: Update, context: Context, caller: Caller) -> int:
    typed = dialogue.typed(update)
    async with caller.runtime.sessions() as session:
        try:
            reference = await check_new_reference(session, reference=typed)
        except UserError as error:
            if error.key != "council_admin.paper_exists":
                raise
            existing = await paper_by_reference(session, reference=str(error.values["reference"]))
            if existing is None:
                raise
            # Not a dead end: offer the correction (handlers/paper_edit takes the button).
            text = caller.t("paper_edit.exists_offer", reference=existing.reference)
            offer = caller.t("paper_edit.offer_edit", reference=existing.reference)
            rows = [[(offer, f"pedt:paper:{existing.id}")]]
            dialogue.goto(context, NAME, Step.REFERENCE)  # another reference may be typed
            await reply(update, text, dialogue.with_abort(caller, NAME, rows))
            return Step.REFERENCE
    _draft(context).reference = reference
    text = caller.t("paper_admin.ask_name", reference=reference)
    await reply(update, text, dialogue.with_abort(caller, NAME))
    return Step.TITLE


@step(Step.TYPE)
async def got_title(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    draft.name = clean_paper_name(dialogue.typed(update))
    rows = [[(caller.t(f"paper_admin.type.{code}"), f"padm:type:{code}")] for code in PAPER_TYPES]
    text = caller.t("paper_admin.ask_type", reference=draft.reference)
    await reply(update, text, dialogue.with_abort(caller, NAME, rows))
    return Step.TYPE


@step(Step.DATE)
async def got_type(update: Update, context: Context, caller: Caller) -> int:
    code = parse_callback(update, TYPE_BUTTON).group(1)
    _draft(context).paper_type = PAPER_TYPES[code]
    await answer_query(update)
    rows = [[(caller.t("paper_admin.today_button"), "padm:date:today")]]
    text = caller.t("paper_admin.ask_date")
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=True)
    return Step.DATE


async def _ask_originator(update: Update, caller: Caller) -> int:
    async with caller.runtime.sessions() as session:
        departments = await of_kind(session, kind=OrganizationKind.DEPARTMENT)
    rows: list[list[Button]] = [
        [(org.name, f"padm:orig:{org.id}")] for org in departments[:MAX_DEPARTMENT_BUTTONS]
    ]
    rows.append([(caller.t("paper_admin.no_originator"), "padm:orig:-")])
    edit = update.callback_query is not None
    text = caller.t("paper_admin.ask_originator")
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.ORIGINATOR


@step(Step.ORIGINATOR)
async def got_date(update: Update, context: Context, caller: Caller) -> int:
    _draft(context).day = parse_date(dialogue.typed(update))
    return await _ask_originator(update, caller)


@step(Step.ORIGINATOR)
async def got_today(update: Update, context: Context, caller: Caller) -> int:
    parse_callback(update, DATE_BUTTON)
    _draft(context).day = caller.runtime.today()
    await answer_query(update)
    return await _ask_originator(update, caller)


async def _ask_proposal(update: Update, caller: Caller) -> int:
    text = caller.t("paper_admin.ask_proposal")
    await reply(
        update, text, dialogue.with_abort(caller, NAME), edit=update.callback_query is not None
    )
    return Step.PROPOSAL


async def _department(caller: Caller, organization_id: int | None) -> Organization | None:
    """The draft's department, read again (the draft keeps only its id)."""
    if organization_id is None:
        return None
    async with caller.runtime.sessions() as session:
        found = await organization_by_id(session, organization_id=organization_id)
    if found is None or found.kind != OrganizationKind.DEPARTMENT:
        raise UserError("council_admin.unknown_department", key=str(organization_id))
    return found


@step(Step.PROPOSAL)
async def got_originator(update: Update, context: Context, caller: Caller) -> int:
    value = parse_callback(update, ORIGINATOR_BUTTON).group(1)
    originator = None
    if value != "-":
        async with caller.runtime.sessions() as session:
            originator = await organization_by_id(session, organization_id=int(value))
            if originator is None or originator.kind != OrganizationKind.DEPARTMENT:
                raise UserError("council_admin.unknown_department", key=value)
    _draft(context).originator_id = originator.id if originator else None
    await answer_query(update)
    return await _ask_proposal(update, caller)


@step(Step.PROPOSAL)
async def typed_originator(update: Update, context: Context, caller: Caller) -> int:
    """A typed "-" means no department; a typed name is looked up by its key."""
    text = dialogue.typed(update)
    originator = None
    if not dialogue.is_dash(text):
        async with caller.runtime.sessions() as session:
            originator = await department(session, key=text)
    _draft(context).originator_id = originator.id if originator else None
    return await _ask_proposal(update, caller)


@step(Step.CONFIRM)
async def got_proposal(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    text = dialogue.raw_text(update)
    draft.proposal = None if dialogue.is_dash(text) else clean_proposal(text)
    paper = draft_paper(
        reference=draft.reference,
        name=draft.name,
        paper_type=draft.paper_type,
        day=draft.day,
        originator=await _department(caller, draft.originator_id),
        proposal=draft.proposal,
    )
    blocks = [
        caller.t("paper_admin.preview_intro"),
        *paper_preview(paper, caller.language, caller.runtime.tz),
        caller.t("paper_admin.preview_question"),
    ]
    *first, last = split_blocks(blocks, sep="\n\n")
    for part in first:
        await reply(update, part)
    rows = [[(caller.t("paper_admin.publish_button"), "padm:ok")]]
    await reply(update, last, dialogue.with_abort(caller, NAME, rows))
    return Step.CONFIRM


@step(Step.DOCUMENT)
async def confirmed(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    runtime = caller.runtime
    originator = await _department(caller, draft.originator_id)
    async with runtime.sessions.begin() as session:
        published = await publish_paper(
            session,
            actor=caller.person,
            reference=draft.reference,
            name=draft.name,
            paper_type=draft.paper_type,
            date=draft.day,
            originator_key=originator.key if originator else None,
            proposal=draft.proposal,
            now=runtime.now(),
            notifier=runtime.change_notifier(caller.person.id),
        )
    draft.paper_id, draft.reference, draft.attached = (
        published.item.id,
        published.item.reference,
        0,
    )
    await answer_query(update)
    text = caller.t("paper_admin.published", reference=published.item.reference)
    await reply(update, text, edit=True)
    return Step.DOCUMENT
