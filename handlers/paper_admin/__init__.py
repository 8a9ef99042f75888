"""/vorlage_neu and /vorlage_anlage: administrators publish a paper and attach its document.

/vorlage_neu: reference → title → kind (buttons) → date (or "Heute") → department (buttons,
or "-") → proposed resolution (or "-") → preview as members will see it → ✅ Veröffentlichen /
✖️ Abbrechen; then "send the PDF or Word document now, or /fertig": each document sent is
attached (documents.py). /vorlage_anlage 2021/144 attaches documents to an
existing paper. /abbrechen or ✖️ ends the dialogue; before the confirmation nothing is stored.

Callback data (`padm:…`, parsed strictly; rights are checked again in the service):
padm:type:<beschluss|information|antrag|drucksache>, padm:date:today, padm:orig:<id|->,
padm:ok, padm:abort.
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
from handlers.paper_admin import documents, new
from handlers.paper_admin.common import NAME, Step

Context = ContextTypes.DEFAULT_TYPE


def handlers(memory: DialogueMemory) -> list[BaseHandler[Update, Context, Any]]:
    """The dialogue; its state is the chat's stored dialogue (bot/dialogues), so typed input
    and documents reach it only while it is the chat's current dialogue."""
    private = filters.ChatType.PRIVATE
    text_input = dialogue.TYPED_TEXT
    buttons_only: MessageHandler[Context, Any] = MessageHandler(
        text_input, dialogue.use_buttons
    )  # text where a button is due

    conversation = dialogue.dialogue(
        NAME,
        memory,
        entry_points=[
            CommandHandler("vorlage_neu", new.begin, filters=private),
            CommandHandler("vorlage_anlage", documents.begin_attach, filters=private),
        ],
        states={
            Step.REFERENCE: [MessageHandler(text_input, new.got_reference)],
            Step.TITLE: [MessageHandler(text_input, new.got_title)],
            Step.TYPE: [dialogue.button(new.got_type, r"^padm:type:"), buttons_only],
            Step.DATE: [
                MessageHandler(text_input, new.got_date),
                dialogue.button(new.got_today, r"^padm:date:"),
            ],
            Step.ORIGINATOR: [
                dialogue.button(new.got_originator, r"^padm:orig:"),
                MessageHandler(text_input, new.typed_originator),
            ],
            Step.PROPOSAL: [MessageHandler(text_input, new.got_proposal)],
            Step.CONFIRM: [dialogue.button(new.confirmed, r"^padm:ok$"), buttons_only],
            Step.DOCUMENT: [
                MessageHandler(filters.Document.ALL & private, documents.got_document),
                CommandHandler("fertig", documents.done, filters=private),
                MessageHandler(~filters.COMMAND & private, documents.not_a_document),
            ],
        },
        fallbacks=[
            CommandHandler("abbrechen", documents.abort),
            dialogue.button(documents.abort, r"^padm:abort$"),
        ],
    )

    return [
        conversation,
        # A padm: button no open dialogue waits for: old, or replayed by someone else.
        CallbackQueryHandler(admins_only(dialogue.stale_button), pattern=r"^padm:"),
    ]
