"""Rückfragen: a member who replies (Telegram reply) to a broadcast in the private chat has the
reply forwarded to the administrator who sent it, with name and faction, and gets a
confirmation. Any other reply gets what the catch-all would say.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from bot.access import Caller, members_only
from bot.services.broadcast_replies import forward_reply
from bot.ui import reply

Context = ContextTypes.DEFAULT_TYPE


@members_only
async def replied(update: Update, context: Context, caller: Caller) -> None:
    """A reply in the private chat: a Rückfrage if it answers a broadcast."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    text = message.text_html if message.text else (message.caption_html if message.caption else "")
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        forwarded = await forward_reply(
            session,
            member=caller.person,
            chat_id=message.chat_id,
            message_id=message.message_id,
            replied_to=message.reply_to_message.message_id,
            text=text,
            settings=runtime.settings,
            now=runtime.now(),
        )
    if forwarded is None:  # a reply to anything else: what the catch-all would say
        await reply(update, caller.t("fallback.unknown_command"))
        return
    await message.reply_text(
        caller.t("broadcast.reply_confirmed", names=", ".join(forwarded.to)),
        parse_mode=ParseMode.HTML,
    )


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    # Registered late: replies that belong to a dialogue waiting for text go there first.
    MessageHandler(filters.REPLY & filters.ChatType.PRIVATE & ~filters.COMMAND, replied),
]
