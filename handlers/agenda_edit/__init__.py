"""Typed agenda corrections, opened from /tagesordnung_bearbeiten (handlers/agenda_admin.py):
administrators add an item or correct one.

➕ Punkt hinzufügen: number (or the next one, a button) → title → public? → linked Vorlage by
its reference (or "Ohne Vorlage" / "-") → preview. ✏️ on an item: the preview at once. The
preview shows the item as members will read it, with a button per field (number, title,
public or not, Vorlage link/unlink): one field is corrected without starting over, and the
changed fields are named → ✅ Hinzufügen / ✅ Speichern. bot/services/council_admin/edits.py
stores it, audits it and tells members by the notice rules. /abbrechen or ✖️ ends it.

Callback data (`agde:…`, parsed strictly; rights are checked again in the service):
agde:add:<meeting id>, agde:item:<item id>, agde:num:<number>, agde:public:<yes|no>,
agde:paper:none, agde:field:<number|title|public|paper|unlink>, agde:ok, agde:abort.
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
)

from bot import dialogues as dialogue
from bot.access import admins_only
from bot.dialogues import DialogueMemory
from handlers.agenda_edit import steps
from handlers.agenda_edit.common import NAME, Step

Context = ContextTypes.DEFAULT_TYPE


def handlers(memory: DialogueMemory) -> list[BaseHandler[Update, Context, Any]]:
    text_input = dialogue.TYPED_TEXT
    buttons_only: MessageHandler[Context, Any] = MessageHandler(text_input, dialogue.use_buttons)

    conversation = dialogue.dialogue(
        NAME,
        memory,
        entry_points=[
            dialogue.button(steps.begin_add, r"^agde:add:\d+$"),
            dialogue.button(steps.begin_edit, r"^agde:item:\d+$"),
        ],
        states={
            Step.NUMBER: [
                MessageHandler(text_input, steps.got_number),
                dialogue.button(steps.took_number, r"^agde:num:"),
            ],
            Step.TITLE: [MessageHandler(text_input, steps.got_title)],
            Step.PUBLIC: [dialogue.button(steps.got_public, r"^agde:public:"), buttons_only],
            Step.PAPER: [
                MessageHandler(text_input, steps.got_paper),
                dialogue.button(steps.no_paper, r"^agde:paper:none$"),
            ],
            Step.MENU: [
                dialogue.button(steps.got_field, r"^agde:field:"),
                dialogue.button(steps.confirmed, r"^agde:ok$"),
                buttons_only,
            ],
        },
        fallbacks=[
            CommandHandler("abbrechen", steps.abort),
            dialogue.button(steps.abort, r"^agde:abort$"),
        ],
    )
    return [
        conversation,
        # An agde: button no open dialogue waits for: old, or replayed by someone else.
        CallbackQueryHandler(admins_only(dialogue.stale_button), pattern=r"^agde:"),
    ]
