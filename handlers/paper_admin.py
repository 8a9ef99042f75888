"""/vorlage_neu and /vorlage_anlage: administrators publish a paper and attach its document.

/vorlage_neu: reference → title → kind (buttons) → date (or "Heute") → department (buttons,
or "-") → proposed resolution (or "-") → preview as members will see it → ✅ Veröffentlichen /
✖️ Abbrechen; then "send the PDF or Word document now, or /fertig": each document sent is
attached (handlers/paper_documents.py). /vorlage_anlage 2021/144 attaches documents to an
existing paper. /abbrechen or ✖️ ends the dialogue; before the confirmation nothing is stored.

Callback data (`padm:…`, parsed strictly; rights are checked again in the service):
padm:type:<beschluss|information|antrag|drucksache>, padm:date:today, padm:orig:<id|->,
padm:ok, padm:abort.
"""

from __future__ import annotations

import re
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
from handlers import admin_dialogue as dialogue
from handlers import paper_documents as documents
from handlers.paper_documents import DOCUMENT, NAME
from storage.models import OrganizationKind
from storage.queries.council_admin import organization_by_id
from storage.queries.organizations import of_kind

Context = ContextTypes.DEFAULT_TYPE
REFERENCE, TITLE, TYPE, DATE, ORIGINATOR, PROPOSAL, CONFIRM = range(7)
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
step = dialogue.step(NAME)


@admins_only
async def begin(update: Update, context: Context, caller: Caller) -> int:
    dialogue.begin_dialogue(context, NAME)
    text = caller.t("paper_admin.ask_reference")
    await reply(update, text, dialogue.with_abort(caller, NAME))
    return REFERENCE


@step
async def got_reference(update: Update, context: Context, caller: Caller) -> int:
    async with caller.runtime.sessions() as session:
        reference = await check_new_reference(session, reference=dialogue.typed(update))
    dialogue.draft(context, NAME)["reference"] = reference
    text = caller.t("paper_admin.ask_name", reference=reference)
    await reply(update, text, dialogue.with_abort(caller, NAME))
    return TITLE


@step
async def got_title(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    draft["name"] = clean_paper_name(dialogue.typed(update))
    rows = [[(caller.t(f"paper_admin.type.{code}"), f"padm:type:{code}")] for code in PAPER_TYPES]
    text = caller.t("paper_admin.ask_type", reference=draft["reference"])
    await reply(update, text, dialogue.with_abort(caller, NAME, rows))
    return TYPE


@step
async def got_type(update: Update, context: Context, caller: Caller) -> int:
    code = parse_callback(update, TYPE_BUTTON).group(1)
    dialogue.draft(context, NAME)["paper_type"] = PAPER_TYPES[code]
    await answer_query(update)
    rows = [[(caller.t("paper_admin.today_button"), "padm:date:today")]]
    text = caller.t("paper_admin.ask_date")
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=True)
    return DATE


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
    return ORIGINATOR


@step
async def got_date(update: Update, context: Context, caller: Caller) -> int:
    dialogue.draft(context, NAME)["date"] = parse_date(dialogue.typed(update))
    return await _ask_originator(update, caller)


@step
async def got_today(update: Update, context: Context, caller: Caller) -> int:
    parse_callback(update, DATE_BUTTON)
    dialogue.draft(context, NAME)["date"] = caller.runtime.today()
    await answer_query(update)
    return await _ask_originator(update, caller)


async def _ask_proposal(update: Update, caller: Caller) -> int:
    text = caller.t("paper_admin.ask_proposal")
    await reply(
        update, text, dialogue.with_abort(caller, NAME), edit=update.callback_query is not None
    )
    return PROPOSAL


@step
async def got_originator(update: Update, context: Context, caller: Caller) -> int:
    value = parse_callback(update, ORIGINATOR_BUTTON).group(1)
    originator = None
    if value != "-":
        async with caller.runtime.sessions() as session:
            originator = await organization_by_id(session, organization_id=int(value))
            if originator is None or originator.kind != OrganizationKind.DEPARTMENT:
                raise UserError("council_admin.unknown_department", key=value)
    dialogue.draft(context, NAME)["originator"] = originator
    await answer_query(update)
    return await _ask_proposal(update, caller)


@step
async def typed_originator(update: Update, context: Context, caller: Caller) -> int:
    """A typed "-" means no department; a typed name is looked up by its key."""
    text = dialogue.typed(update)
    originator = None
    if not dialogue.is_dash(text):
        async with caller.runtime.sessions() as session:
            originator = await department(session, key=text)
    dialogue.draft(context, NAME)["originator"] = originator
    return await _ask_proposal(update, caller)


@step
async def got_proposal(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    text = dialogue.raw_text(update)
    draft["proposal"] = None if dialogue.is_dash(text) else clean_proposal(text)
    paper = draft_paper(
        reference=draft["reference"],
        name=draft["name"],
        paper_type=draft["paper_type"],
        day=draft["date"],
        originator=draft["originator"],
        proposal=draft["proposal"],
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
    return CONFIRM


@step
async def confirmed(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    runtime = caller.runtime
    originator = draft["originator"]
    async with runtime.sessions.begin() as session:
        published = await publish_paper(
            session,
            actor=caller.person,
            reference=draft["reference"],
            name=draft["name"],
            paper_type=draft["paper_type"],
            date=draft["date"],
            originator_key=originator.key if originator else None,
            proposal=draft["proposal"],
            now=runtime.now(),
            notifier=dialogue.change_notifier(context, caller),
        )
    draft.clear()
    draft.update(paper_id=published.item.id, reference=published.item.reference, attached=0)
    await answer_query(update)
    text = caller.t("paper_admin.published", reference=published.item.reference)
    await reply(update, text, edit=True)
    return DOCUMENT


def _button(callback: Any, pattern: str) -> CallbackQueryHandler[Context, Any]:
    return CallbackQueryHandler(callback, pattern=pattern)


def handlers(registry: dialogue.Registry) -> list[BaseHandler[Update, Context, Any]]:
    """The dialogue, built per application: its state lives in the handler objects."""
    private = filters.ChatType.PRIVATE
    current = dialogue.active(
        NAME, registry
    )  # typed input and documents go to the dialogue begun last
    text_input = filters.TEXT & ~filters.COMMAND & private & current
    buttons_only: MessageHandler[Context, Any] = MessageHandler(
        text_input, dialogue.use_buttons
    )  # text where a button is due

    conversation = dialogue.conversation(
        entry_points=[
            CommandHandler("vorlage_neu", begin, filters=private),
            CommandHandler("vorlage_anlage", documents.begin_attach, filters=private),
        ],
        states={
            REFERENCE: [MessageHandler(text_input, got_reference)],
            TITLE: [MessageHandler(text_input, got_title)],
            TYPE: [_button(got_type, r"^padm:type:"), buttons_only],
            DATE: [MessageHandler(text_input, got_date), _button(got_today, r"^padm:date:")],
            ORIGINATOR: [
                _button(got_originator, r"^padm:orig:"),
                MessageHandler(text_input, typed_originator),
            ],
            PROPOSAL: [MessageHandler(text_input, got_proposal)],
            CONFIRM: [_button(confirmed, r"^padm:ok$"), buttons_only],
            DOCUMENT: [
                MessageHandler(filters.Document.ALL & private & current, documents.got_document),
                CommandHandler("fertig", documents.done, filters=private & current),
                MessageHandler(~filters.COMMAND & private & current, documents.not_a_document),
            ],
        },
        fallbacks=[
            CommandHandler("abbrechen", documents.abort, filters=current),
            _button(documents.abort, r"^padm:abort$"),
        ],
        allow_reentry=True,
    )

    return [
        conversation,
        # A padm: button no open dialogue waits for: old, or replayed by someone else.
        CallbackQueryHandler(admins_only(dialogue.stale_button), pattern=r"^padm:"),
    ]
