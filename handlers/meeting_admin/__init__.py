"""/termin_neu, /termin_verschieben, /termin_absagen, /termin_bearbeiten: administrators set
and correct meetings in the chat.

New: kind (buttons) → committee (buttons) → title → start → end or "-" → place or "-" →
public? → replies asked? → preview as members will see it → ✅ Anlegen / ✖️ Abbrechen.
Move and cancel: choose among the upcoming meetings (buttons, paged) → new start, end and
place (move) → optional reason → preview → confirm (change.py). Edit: choose → preview with a
button per field (title, place, public, rsvp) → corrected fields named → ✅ Speichern (edit.py).
/abbrechen or ✖️ ends the dialogue at any step; nothing is stored before the confirmation.

Callback data (`madm:…`, parsed strictly; rights are checked again in the service):
madm:kind:<session|presentation|appointment>, madm:org:<organization id>,
madm:public:<yes|no>, madm:rsvp:<yes|no>, madm:page:<offset>, madm:pick:<meeting id>,
madm:end:keep, madm:place:keep, madm:reason:none, madm:edit:<title|place|public|rsvp>,
madm:ok, madm:abort.
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
from handlers.meeting_admin import change, edit, new
from handlers.meeting_admin.common import NAME, Step

Context = ContextTypes.DEFAULT_TYPE


def handlers(memory: DialogueMemory) -> list[BaseHandler[Update, Context, Any]]:
    """The dialogue; its state is the chat's stored dialogue (bot/dialogues), so typed input
    reaches it only while it is the chat's current dialogue."""
    private = filters.ChatType.PRIVATE
    text_input = dialogue.TYPED_TEXT
    buttons_only: MessageHandler[Context, Any] = MessageHandler(
        text_input, dialogue.use_buttons
    )  # text where a button is due

    conversation = dialogue.dialogue(
        NAME,
        memory,
        entry_points=[
            CommandHandler("termin_neu", new.begin, filters=private),
            CommandHandler("termin_verschieben", change.begin_move, filters=private),
            CommandHandler("termin_absagen", change.begin_cancel, filters=private),
            CommandHandler("termin_bearbeiten", change.begin_edit, filters=private),
        ],
        states={
            Step.KIND: [dialogue.button(new.got_kind, r"^madm:kind:"), buttons_only],
            Step.COMMITTEE: [dialogue.button(new.got_committee, r"^madm:org:"), buttons_only],
            Step.TITLE: [MessageHandler(text_input, new.got_title)],
            Step.START: [MessageHandler(text_input, new.got_start)],
            Step.END_TIME: [MessageHandler(text_input, new.got_end)],
            Step.PLACE: [MessageHandler(text_input, new.got_place)],
            Step.PUBLIC: [dialogue.button(new.got_public, r"^madm:public:"), buttons_only],
            Step.RSVP: [dialogue.button(new.got_rsvp, r"^madm:rsvp:"), buttons_only],
            Step.CONFIRM_NEW: [dialogue.button(new.confirmed_new, r"^madm:ok$"), buttons_only],
            Step.PICK: [
                dialogue.button(change.got_pick, r"^madm:pick:"),
                dialogue.button(change.got_page, r"^madm:page:"),
                buttons_only,
            ],
            Step.NEW_START: [MessageHandler(text_input, change.got_new_start)],
            Step.NEW_END: [
                MessageHandler(text_input, change.got_new_end),
                dialogue.button(change.keep_duration, r"^madm:end:keep$"),
            ],
            Step.NEW_PLACE: [
                MessageHandler(text_input, change.got_new_place),
                dialogue.button(change.keep_place, r"^madm:place:keep$"),
            ],
            Step.CONFIRM_MOVE: [dialogue.button(change.confirmed_move, r"^madm:ok$"), buttons_only],
            Step.CONFIRM_CANCEL: [
                dialogue.button(change.confirmed_cancel, r"^madm:ok$"),
                buttons_only,
            ],
            Step.EDIT_MENU: [
                dialogue.button(edit.got_field, r"^madm:edit:(title|place|public|rsvp)$"),
                dialogue.button(edit.confirmed, r"^madm:ok$"),
                buttons_only,
            ],
            Step.EDIT_TITLE: [MessageHandler(text_input, edit.got_title)],
            Step.EDIT_PLACE: [MessageHandler(text_input, edit.got_place)],
            Step.REASON: [
                MessageHandler(text_input, change.got_reason),
                dialogue.button(change.no_reason, r"^madm:reason:none$"),
            ],
        },
        fallbacks=[
            CommandHandler("abbrechen", new.abort),
            dialogue.button(new.abort, r"^madm:abort$"),
        ],
    )

    return [
        conversation,
        # A madm: button no open dialogue waits for: old, or replayed by someone else.
        CallbackQueryHandler(admins_only(dialogue.stale_button), pattern=r"^madm:"),
    ]
