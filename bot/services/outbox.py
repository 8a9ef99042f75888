"""The transactional outbox: services write the messages to send in their own transaction.

A service that wants to tell people something calls `enqueue` (or `enqueue_many`) with the
session of the change that caused it, before it commits. The rows become visible to the
delivery worker with that commit and vanish with a rollback, so a notice is written exactly when
its cause is. Each (event_key, chat_id) is written at most once: the same event for the same chat
again — a re-import, a retried transaction, a concurrent writer — inserts nothing.

After the commit the workers of this process are woken at once (`bot.services.delivery`), so
nobody waits for the next poll.

Texts are rendered HTML (through `bot.i18n.t`) in the recipient's language at write time.
Buttons are rows of `(label, target)`: a target starting with http://, https:// or tg:// is a
link, anything else is callback data (at most 64 bytes).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.services.delivery import wakeup
from bot.services.delivery.text import (
    MAX_BUTTONS,
    MAX_CALLBACK_DATA,
    MAX_TEXT,
    is_url,
    visible_length,
)
from storage.models import DeliveryStatus, utcnow
from storage.queries.deliveries import insert_deliveries

Buttons = Sequence[Sequence[tuple[str, str]]]
_NOTIFY_FLAG = "gremienbot.outbox.notify"


@dataclass(frozen=True)
class Document:
    """A document to send with the notice: a stored File (Anlage) or an announcement's file."""

    file_id: int | None = None
    announcement_id: int | None = None

    def __post_init__(self) -> None:
        if (self.file_id is None) == (self.announcement_id is None):
            raise ValueError("a Document names either file_id or announcement_id")

    def payload(self) -> dict[str, int]:
        if self.file_id is not None:
            return {"file_id": self.file_id}
        assert self.announcement_id is not None
        return {"announcement_id": self.announcement_id}


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One message for one chat; see `enqueue` for the fields."""

    event_key: str
    chat_id: int
    kind: str
    text: str
    buttons: Buttons | None = None
    person_id: int | None = None
    announcement_id: int | None = None
    batch_key: str | None = None
    document: Document | None = None
    combinable: bool = True
    # Sent as a reply to this message of the chat (e.g. the administration's answer to a
    # member's Rückfrage); Telegram sends it anyway if that message is gone.
    reply_to: int | None = None
    # Instead of a new message: edit this earlier bot message of the chat (an outdated
    # attendance request). A failed edit is recorded as done and fails nothing else.
    edit_message_id: int | None = None


def _keyboard(buttons: Buttons | None, where: str) -> list[list[dict[str, str]]]:
    rows: list[list[dict[str, str]]] = []
    count = 0
    for row in buttons or ():
        built: list[dict[str, str]] = []
        for label, target in row:
            # Labels are plain text; t() escaped the values for HTML ("&amp;" → "&").
            label = html.unescape(label)
            if not label or not target:
                raise ValueError(f"{where}: a button needs a label and a target")
            if is_url(target):
                built.append({"text": label, "url": target})
            elif len(target.encode("utf-8")) > MAX_CALLBACK_DATA:
                raise ValueError(f"{where}: callback data {target!r} is over 64 bytes")
            else:
                built.append({"text": label, "callback_data": target})
        count += len(built)
        if built:
            rows.append(built)
    if count > MAX_BUTTONS:
        raise ValueError(f"{where}: {count} buttons, Telegram allows {MAX_BUTTONS}")
    return rows


def _row(notice: Notice, due: datetime) -> dict[str, Any]:
    where = f"notice {notice.event_key!r} for chat {notice.chat_id}"
    if not notice.text.strip():
        raise ValueError(f"{where}: the text is empty")
    length = visible_length(notice.text)
    if length > MAX_TEXT:
        raise ValueError(f"{where}: {length} characters, Telegram allows {MAX_TEXT}; split it")
    if len(notice.event_key) > 200 or len(notice.kind) > 50 or len(notice.batch_key or "") > 200:
        raise ValueError(f"{where}: event_key/batch_key ≤ 200 and kind ≤ 50 characters")
    payload: dict[str, Any] = {
        "text": notice.text,
        "buttons": _keyboard(notice.buttons, where),
        "combinable": notice.combinable and notice.document is None,
        "document": notice.document.payload() if notice.document else None,
    }
    if notice.reply_to is not None:
        payload["reply_to"] = notice.reply_to
    if notice.edit_message_id is not None:
        payload["edit"] = notice.edit_message_id
        payload["combinable"] = False
    now = utcnow()
    return {
        "event_key": notice.event_key,
        "chat_id": notice.chat_id,
        "person_id": notice.person_id,
        "announcement_id": notice.announcement_id,
        "kind": notice.kind,
        "payload": payload,
        "batch_key": notice.batch_key,
        "status": DeliveryStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": now,
        "updated_at": now,
    }


async def enqueue_many(
    session: AsyncSession, notices: Iterable[Notice], *, not_before: datetime | None = None
) -> int:
    """Write pending deliveries in the caller's transaction; returns how many were new.

    Raises ValueError (and writes nothing) for a notice Telegram would refuse: empty text,
    over 4096 characters, over 100 buttons, callback data over 64 bytes.
    """
    due = not_before or utcnow()
    rows = [_row(notice, due) for notice in notices]
    inserted = await insert_deliveries(session, rows=rows)
    if inserted:
        session.info[_NOTIFY_FLAG] = True
    return inserted


async def enqueue(
    session: AsyncSession,
    *,
    event_key: str,
    chat_id: int,
    kind: str,
    text: str,
    buttons: Buttons | None = None,
    person_id: int | None = None,
    announcement_id: int | None = None,
    batch_key: str | None = None,
    document: Document | None = None,
    combinable: bool = True,
    not_before: datetime | None = None,
) -> bool:
    """Write one pending delivery in the caller's transaction; False if it already existed.

    `event_key` names what happened (e.g. "paper:2021/144:new", "meeting:17:moved:3"): the
    same event is delivered to the same chat once. Notices for one chat with the same
    `batch_key` and `combinable=True` are sent as one message; a request for an answer
    (attendance buttons) passes `combinable=False`. `not_before` delays the first attempt.
    """
    notice = Notice(
        event_key=event_key,
        chat_id=chat_id,
        kind=kind,
        text=text,
        buttons=buttons,
        person_id=person_id,
        announcement_id=announcement_id,
        batch_key=batch_key,
        document=document,
        combinable=combinable,
    )
    return await enqueue_many(session, [notice], not_before=not_before) == 1


@event.listens_for(Session, "after_commit")
def _wake_workers(session: Session) -> None:
    if session.info.pop(_NOTIFY_FLAG, False):
        wakeup.notify()


@event.listens_for(Session, "after_rollback")
def _forget_wakeup(session: Session) -> None:
    session.info.pop(_NOTIFY_FLAG, None)
