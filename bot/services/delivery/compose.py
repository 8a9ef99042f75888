"""Turning claimed outbox rows into the messages to send: combining, splitting, quiet hours.

Plain notices (payload `combinable`) for one chat that share a `batch_key` become one message:
texts joined by a separator, keyboards concatenated; when that would pass 4096 characters or
100 buttons the batch is split at a notice boundary. Anything else (requests for an answer,
documents, notices without a batch) is a message of its own, so its buttons are unambiguous.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from bot.services.delivery.text import (
    MAX_BUTTONS,
    MAX_TEXT,
    SEPARATOR,
    SEPARATOR_LENGTH,
    visible_length,
)
from storage.models import Delivery
from storage.queries.deliveries import Recipient

JsonDict = dict[str, Any]


@dataclass
class Outgoing:
    """One Telegram message for one chat, made of one or more outbox rows."""

    chat_id: int
    rows: list[Delivery]
    text: str
    buttons: list[list[JsonDict]] = field(default_factory=list)
    document: JsonDict | None = None
    recipient: Recipient | None = None
    reply_to: int | None = None  # Telegram message id this message answers
    edit: int | None = None  # edit this earlier message instead of sending a new one

    @property
    def ids(self) -> list[int]:
        return [row.id for row in self.rows]

    @property
    def person_id(self) -> int | None:
        return self.rows[0].person_id


def _combinable(row: Delivery) -> bool:
    payload = row.payload
    if payload.get("edit") or payload.get("reply_to"):
        return False
    return bool(payload.get("combinable")) and not payload.get("document") and bool(row.batch_key)


def _single(row: Delivery, recipient: Recipient | None) -> Outgoing:
    payload = row.payload
    return Outgoing(
        chat_id=row.chat_id,
        rows=[row],
        text=str(payload.get("text", "")),
        buttons=[list(r) for r in payload.get("buttons") or []],
        document=payload.get("document"),
        recipient=recipient,
        reply_to=payload.get("reply_to"),
        edit=payload.get("edit"),
    )


def _pack(rows: Sequence[Delivery], recipient: Recipient | None) -> list[Outgoing]:
    """Greedy packing of one batch's notices, in order, within the text and button limits."""
    messages: list[Outgoing] = []
    current: Outgoing | None = None
    current_length = current_buttons = 0
    for row in rows:
        single = _single(row, recipient)
        length = visible_length(single.text)
        buttons = sum(len(r) for r in single.buttons)
        fits = (
            current is not None
            and current_length + SEPARATOR_LENGTH + length <= MAX_TEXT
            and current_buttons + buttons <= MAX_BUTTONS
        )
        if current is not None and fits:
            current.rows.append(row)
            current.text += SEPARATOR + single.text
            current.buttons.extend(single.buttons)
            current_length += SEPARATOR_LENGTH + length
            current_buttons += buttons
        else:
            current = single
            current_length, current_buttons = length, buttons
            messages.append(current)
    return messages


def compose(rows: Sequence[Delivery], recipient: Recipient | None) -> list[Outgoing]:
    """The messages for one chat's rows, in the order the first row of each was written."""
    rows = sorted(rows, key=lambda row: row.id)
    batches: dict[str, list[Delivery]] = {}
    messages: list[Outgoing] = []
    for row in rows:
        if _combinable(row):
            assert row.batch_key is not None
            batches.setdefault(row.batch_key, []).append(row)
        else:
            messages.append(_single(row, recipient))
    for batch in batches.values():
        messages.extend(_pack(batch, recipient))
    return sorted(messages, key=lambda message: message.rows[0].id)


def in_quiet_hours(local: time, start: time | None, end: time | None) -> bool:
    """Whether `local` falls in [start, end); the window may wrap midnight (22:00–07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end
