"""Telegram's size limits for a message, measured the way Telegram measures them.

Telegram counts a text's length after entity parsing (tags removed, `&amp;` as one character)
in UTF-16 code units; the stdlib HTML parser gives the visible text, which is enough here
because every text the bot sends was rendered by `bot.i18n.t` from well-formed templates.
"""

from __future__ import annotations

from bot.views.text import (
    CAPTION_LIMIT,
    MAX_BUTTONS,
    MAX_CALLBACK_BYTES,
    MESSAGE_LIMIT,
    is_url,
    utf16_length,
    visible_length,
    visible_text,
)

MAX_TEXT = MESSAGE_LIMIT
MAX_CAPTION = CAPTION_LIMIT
MAX_CALLBACK_DATA = MAX_CALLBACK_BYTES
# Between two notices combined into one message; plain text, so it costs no entity.
SEPARATOR = "\n\n──────────\n\n"

__all__ = [
    "MAX_BUTTONS",
    "MAX_CALLBACK_DATA",
    "MAX_CAPTION",
    "MAX_TEXT",
    "SEPARATOR",
    "SEPARATOR_LENGTH",
    "is_url",
    "utf16_length",
    "visible_length",
    "visible_text",
]

SEPARATOR_LENGTH = visible_length(SEPARATOR)
