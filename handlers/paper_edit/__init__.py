"""/vorlage_bearbeiten 2021/144 (or ✏️ on the Vorlage view, or the offer when /vorlage_neu
meets a reference that exists): administrators correct every field of a published Vorlage.

The Vorlage as members will see it, with a button per field (title, kind, date, lead
department, Beschlussvorschlag, Sachverhalt) → the field typed (or the department chosen;
"-" empties an optional field) → the preview again with the changed fields named; any field
corrected again without starting over → ✅ Speichern. bot/services/council_admin/edits.py
stores it, audits it and tells members which fields changed. /abbrechen or ✖️ ends it.

Callback data (`pedt:…`, parsed strictly; rights are checked again in the service):
pedt:paper:<paper id>, pedt:field:<field>, pedt:orig:<id|->, pedt:ok, pedt:abort.
"""

from __future__ import annotations

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

from bot import dialogues as dialogue
from bot.access import admins_only
from bot.dialogues import DialogueMemory
from handlers.paper_edit import steps
from handlers.paper_edit.common import NAME, Step

Context = ContextTypes.DEFAULT_TYPE


def handlers(memory: DialogueMemory) -> list[BaseHandler[Update, Context, Any]]:
    private = filters.ChatType.PRIVATE
    text_input = dialogue.TYPED_TEXT
    buttons_only: MessageHandler[Context, Any] = MessageHandler(text_input, dialogue.use_buttons)

    conversation = dialogue.dialogue(
        NAME,
        memory,
        entry_points=[
            CommandHandler("vorlage_bearbeiten", steps.begin_command, filters=private),
            dialogue.button(steps.begin_button, r"^pedt:paper:\d+$"),
        ],
        states={
            Step.MENU: [
                dialogue.button(steps.got_field, r"^pedt:field:"),
                dialogue.button(steps.confirmed, r"^pedt:ok$"),
                buttons_only,
            ],
            Step.VALUE: [MessageHandler(text_input, steps.got_value)],
            Step.ORIGINATOR: [dialogue.button(steps.got_originator, r"^pedt:orig:"), buttons_only],
        },
        fallbacks=[
            CommandHandler("abbrechen", steps.abort),
            dialogue.button(steps.abort, r"^pedt:abort$"),
        ],
    )
    return [
        conversation,
        # A pedt: button no open dialogue waits for: old, or replayed by someone else.
        CallbackQueryHandler(admins_only(dialogue.stale_button), pattern=r"^pedt:"),
    ]
