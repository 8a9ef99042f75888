"""Telegram's message limits: the visible length of HTML and splitting at block boundaries."""

from __future__ import annotations

import html
from collections.abc import Iterable
from html.parser import HTMLParser

MESSAGE_LIMIT = 4096  # characters after entity parsing, in UTF-16 code units
CAPTION_LIMIT = 1024
MAX_BUTTONS = 100  # per inline keyboard
MAX_CALLBACK_BYTES = 64  # callback_data, UTF-8
URL_SCHEMES = ("http://", "https://", "tg://")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(markup: str) -> str:
    """The text a reader sees: tags removed, entities decoded (our markup is well-formed,
    rendered by `bot.i18n.t`, so the stdlib parser is enough)."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(markup: str) -> int:
    """Length after entity parsing, in UTF-16 code units, as Telegram counts it."""
    return utf16_length(visible_text(markup))


def is_url(target: str) -> bool:
    """A button target that opens a link rather than sending callback data."""
    return target.startswith(URL_SCHEMES)


def split_blocks(
    blocks: Iterable[str], *, limit: int = MESSAGE_LIMIT, sep: str = "\n"
) -> list[str]:
    """Join blocks (e.g. one per agenda item) into as few messages as fit, never mid-block.

    A single block longer than the limit is cut at line boundaries (our templates keep tags
    within a line), so nothing is ever dropped.
    """
    pieces = [piece for block in blocks for piece in _fit(block, limit)]
    return _pack(pieces, limit, sep)


def _pack(pieces: Iterable[str], limit: int, sep: str) -> list[str]:
    """Greedily join pieces (each within the limit) with `sep` into messages within it."""
    messages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{sep}{piece}" if current else piece
        if visible_length(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    if visible_length(block) <= limit:
        return [block]
    lines: list[str] = []
    for line in block.split("\n"):
        if visible_length(line) > limit:
            # One enormous line (e.g. a pasted text): drop its formatting and cut the plain
            # text, so no cut lands inside a tag or an entity.
            lines.extend(_cut_plain(visible_text(line), limit))
        else:
            lines.append(line)
    return _pack(lines, limit, "\n")


def _cut_plain(text: str, limit: int) -> list[str]:
    chunks = []
    while text:
        cut = min(len(text), limit)
        while utf16_length(text[:cut]) > limit:
            cut -= 1
        chunks.append(html.escape(text[:cut], quote=False))
        text = text[cut:]
    return chunks
