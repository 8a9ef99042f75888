"""Terminal rendering of bot messages for the interactive demo.

Buttons are numbered across all rendered messages (``[1] Zusage  [2] Absage``) so a demo can let
the person type a number; :func:`numbered_buttons` maps the numbers back to the buttons.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.localapi.models import Button, ChatMessage


def numbered_buttons(messages: Iterable[ChatMessage]) -> list[tuple[ChatMessage, Button]]:
    """Every button of ``messages`` in display order; number n is at index n - 1."""
    return [
        (message, button)
        for message in messages
        if not message.deleted
        for row in message.buttons
        for button in row
    ]


def render(messages: Iterable[ChatMessage], *, width: int = 72) -> str:
    """Bot messages as plain terminal text, with numbered buttons."""
    blocks: list[str] = []
    number = 0
    for message in messages:
        if message.deleted:
            blocks.append(f"✖ (message #{message.message_id} deleted)")
            continue
        lines: list[str] = []
        document = message.document
        if document is not None:
            lines.append(f"📎 {document.filename} ({len(document.data)} bytes)")
        elif message.media_kind == "photo":
            lines.append("🖼 photo")
        if message.text:
            lines.extend(message.text.splitlines() or [""])
        if message.edited:
            lines.append("(edited)")
        for row in message.buttons:
            cells = []
            for button in row:
                number += 1
                suffix = " ↗" if button.is_url else ""
                cells.append(f"[{number}] {button.text}{suffix}")
            lines.append("  ".join(cells))
        rule = "─" * min(width, max((len(line) for line in lines), default=0))
        blocks.append("\n".join([*lines, rule]))
    return "\n".join(blocks)
