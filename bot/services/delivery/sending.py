"""The Telegram calls of the delivery worker: sendMessage, or sendDocument for a document.

A document is uploaded once; Telegram's file_id of the first upload is reused for every other
recipient, so a broadcast with an attachment uploads it once, not once per member.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.services.delivery.compose import Outgoing
from bot.services.delivery.text import MAX_CAPTION, visible_length
from storage.queries.deliveries import announcement_attachment
from storage.queries.files import file_content

JsonDict = dict[str, Any]


def keyboard(rows: list[list[JsonDict]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b["text"], url=b["url"])
                if "url" in b
                else InlineKeyboardButton(b["text"], callback_data=b["callback_data"])
                for b in row
            ]
            for row in rows
        ]
    )


class Sender:
    def __init__(
        self,
        bot: Bot,
        sessions: async_sessionmaker[AsyncSession],
        *,
        allow_paid_broadcast: bool,
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.paid = True if allow_paid_broadcast else None
        self._uploaded: dict[str, str] = {}  # document key -> Telegram file_id
        self._upload_locks: dict[str, asyncio.Lock] = {}

    async def send(self, message: Outgoing, *, silent: bool) -> int:
        """Send one message; returns Telegram's message id. Raises Telegram's errors."""
        common: JsonDict = {
            "chat_id": message.chat_id,
            "disable_notification": silent,
            "allow_paid_broadcast": self.paid,
        }
        markup = keyboard(message.buttons)
        if message.edit is not None:
            return await self._edit(message, markup)
        if message.reply_to is not None:
            common["reply_parameters"] = ReplyParameters(
                message.reply_to, allow_sending_without_reply=True
            )
        if message.document is None:
            sent = await self.bot.send_message(
                text=message.text, parse_mode=ParseMode.HTML, reply_markup=markup, **common
            )
            return sent.message_id
        caption: str | None = message.text
        if caption and visible_length(caption) > MAX_CAPTION:
            # Too long for a caption: the text goes first, the document follows without one.
            await self.bot.send_message(text=caption, parse_mode=ParseMode.HTML, **common)
            caption = None
        sent = await self._send_document(message.document, caption, markup, common)
        return sent.message_id

    async def _edit(self, message: Outgoing, markup: InlineKeyboardMarkup | None) -> int:
        """Edit an earlier message (an outdated request). A refused edit (deleted, too old,
        unchanged) is done all the same: the old message is only a courtesy."""
        assert message.edit is not None
        with contextlib.suppress(BadRequest):
            await self.bot.edit_message_text(
                chat_id=message.chat_id,
                message_id=message.edit,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        return message.edit

    async def _send_document(
        self,
        reference: JsonDict,
        caption: str | None,
        markup: InlineKeyboardMarkup | None,
        common: JsonDict,
    ) -> Message:
        key = ":".join(f"{name}={value}" for name, value in sorted(reference.items()))
        lock = self._upload_locks.setdefault(key, asyncio.Lock())
        async with lock:  # the first upload finishes before anyone else needs the file
            file_id = self._uploaded.get(key)
            if file_id is None:
                name, content = await self._load(reference)
                sent = await self.bot.send_document(
                    document=content,
                    filename=name,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    **common,
                )
                if sent.document is not None:
                    self._uploaded[key] = sent.document.file_id
                return sent
        return await self.bot.send_document(
            document=file_id,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            **common,
        )

    async def _load(self, reference: JsonDict) -> tuple[str, bytes]:
        async with self.sessions() as session:
            if "file_id" in reference:
                found = await file_content(session, file_id=int(reference["file_id"]))
            else:
                found = await announcement_attachment(
                    session, announcement_id=int(reference["announcement_id"])
                )
        if found is None:
            # Permanent: the file was deleted after the notice was written.
            raise BadRequest(f"document {reference} no longer exists")
        return found
