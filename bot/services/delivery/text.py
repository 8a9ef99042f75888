"""Telegram's size limits for a message, measured the way Telegram measures them.

Telegram counts a text's length after entity parsing (tags removed, `&amp;` as one character)
in UTF-16 code units; the stdlib HTML parser gives the visible text, which is enough here
because every text the bot sends was rendered by `bot.i18n.t` from well-formed templates.
"""

from __future__ import annotations

from html.parser import HTMLParser

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_BUTTONS = 100
MAX_CALLBACK_DATA = 64  # bytes, UTF-8
# Between two notices combined into one message; plain text, so it costs no entity.
SEPARATOR = "\n\n──────────\n\n"
URL_SCHEMES = ("http://", "https://", "tg://")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html_text: str) -> str:
    parser = _VisibleText()
    parser.feed(html_text)
    parser.close()
    return "".join(parser.parts)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(html_text: str) -> int:
    """The length Telegram checks against its 4096 (text) and 1024 (caption) limits."""
    return utf16_length(visible_text(html_text))


SEPARATOR_LENGTH = visible_length(SEPARATOR)


def is_url(target: str) -> bool:
    return target.startswith(URL_SCHEMES)
