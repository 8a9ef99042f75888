"""Small helpers for Telegram output: inline keyboards, replying or editing, parsing buttons."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import filters

from bot.errors import UserError
from bot.views.text import MAX_CALLBACK_BYTES, is_url

# Look-ups, settings and anything personal answer in the private chat only: in a group they
# would show non-public meetings and personal data to everyone there.
PRIVATE = filters.ChatType.PRIVATE

Button = tuple[str, str]  # (label, callback_data); a value starting with https:// is a URL


def button_label(label: str) -> str:
    """Button labels are plain text: the catalog's t() escapes values for HTML messages, so a
    label built with it is unescaped here ("📎 Anlage_<1>&ä.pdf", never "&lt;1&gt;&amp;")."""
    return html.unescape(label)


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    built = []
    for row in rows:
        buttons = []
        for label, value in row:
            label = button_label(label)
            if is_url(value):
                buttons.append(InlineKeyboardButton(label, url=value))
            else:
                if len(value.encode()) > MAX_CALLBACK_BYTES:
                    raise ValueError(f"callback data longer than 64 bytes: {value!r}")
                buttons.append(InlineKeyboardButton(label, callback_data=value))
        if buttons:
            built.append(buttons)
    return InlineKeyboardMarkup(built) if built else None


async def reply(
    update: Update, text: str, rows: Sequence[Sequence[Button]] = (), *, edit: bool = False
) -> Message | None:
    """Answer in the same chat; with `edit`, replace the message whose button was pressed."""
    markup = keyboard(rows)
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        try:
            result = await query.message.edit_text(
                text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except BadRequest as error:
            # Pressing the same button twice asks for an identical edit: nothing to change.
            if "not modified" not in str(error).lower():
                raise
            return None
        return result if isinstance(result, Message) else None
    if update.effective_chat is None:
        return None
    return await update.effective_chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup
    )


async def answer_query(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Telegram wants every callback query answered, even silently."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)


def is_private(update: Update) -> bool:
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


def parse_callback(update: Update, pattern: re.Pattern[str]) -> re.Match[str]:
    """Match untrusted callback data strictly; anything else is a stale or forged button."""
    data = update.callback_query.data if update.callback_query else None
    match = pattern.fullmatch(data or "")
    if match is None:
        raise UserError("access.bad_button")
    return match
