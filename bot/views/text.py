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

    A single block longer than the limit is cut at a line boundary (its tags are simple and
    per line in our templates), so nothing is ever dropped.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, limit):
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
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        if visible_length(line) > limit:
            # One enormous line (e.g. a pasted text): drop its formatting and cut the plain
            # text, so no cut lands inside a tag or an entity.
            if current:
                pieces.append(current)
                current = ""
            pieces.extend(_cut_plain(html.unescape(_TAG.sub("", line)), limit))
            continue
        candidate = f"{current}\n{line}" if current else line
        if visible_length(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def _cut_plain(text: str, limit: int) -> list[str]:
    chunks = []
    while text:
        cut = min(len(text), limit)
        while len(text[:cut].encode("utf-16-le")) // 2 > limit:
            cut -= 1
        chunks.append(html.escape(text[:cut], quote=False))
        text = text[cut:]
    return chunks
