"""Telegram's message limits: the visible length of HTML and splitting at block boundaries."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]+>")


def visible_length(markup: str) -> int:
    """Length after entity parsing, in UTF-16 code units, as Telegram counts it."""
    text = html.unescape(_TAG.sub("", markup))
    return len(text.encode("utf-16-le")) // 2


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
            lines.extend(_cut_plain(html.unescape(_TAG.sub("", line)), limit))
        else:
            lines.append(line)
    return _pack(lines, limit, "\n")


def _cut_plain(text: str, limit: int) -> list[str]:
    chunks = []
    while text:
        cut = min(len(text), limit)
        while len(text[:cut].encode("utf-16-le")) // 2 > limit:
            cut -= 1
        chunks.append(html.escape(text[:cut], quote=False))
        text = text[cut:]
    return chunks
