"""Rückfragen in the chat: typed text outside any dialogue is never dropped.

Registered after every dialogue (a dialogue waiting for text gets it first) and before the
catch-all. In a private chat, a member's text is:

* for an administrator: the answer to a Rückfrage — a reply gesture on the forwarded
  Rückfrage, or the next text after its "Antworten" button (state in the database);
* a reply gesture on a broadcast: a Rückfrage about it, sent at once (as before);
* anything else: kept as a draft Rückfrage, and the member is offered to send it with one tap
  (with the latest broadcast as its context), next to a hint what else the bot can do.

The rules live in bot/services/questions.py. (The dialogue layer will absorb the "Antworten"
step later; its state is already a row, so nothing is lost across a restart.)
"""

from __future__ import annotations

import re

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.access import Caller, members_only
from bot.i18n import format_short
from bot.services import questions
from bot.services.broadcast import excerpt
from bot.ui import answer_query, parse_callback, reply

Context = ContextTypes.DEFAULT_TYPE
BUTTON = re.compile(r"rfq:(send|drop|ans|stop):(\d{1,12})")


def _html(message: Message) -> str:
    """The typed text as Telegram HTML (a caption for a photo or document: only its text is
    passed on)."""
    if message.text:
        return message.text_html
    return message.caption_html if message.caption else ""


async def _answer(message: Message, caller: Caller, text: str) -> bool:
    """An administrator's text that answers a Rückfrage; False when it answers none."""
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        question = None
        if message.reply_to_message is not None:
            question = await questions.forwarded_question(
                session,
                admin=caller.person,
                chat_id=message.chat_id,
                message_id=message.reply_to_message.message_id,
            )
        if question is None and message.reply_to_message is None:
            question = await questions.awaited_question(
                session, admin=caller.person, now=runtime.now()
            )
        if question is None:
            return False
        member = await questions.answer(
            session,
            admin=caller.person,
            question=question,
            text=text,
            now=runtime.now(),
            settings=runtime.settings,
        )
    await message.reply_text(
        caller.t("questions.answer_sent", name=member.name), parse_mode=ParseMode.HTML
    )
    return True


@members_only
async def typed(update: Update, context: Context, caller: Caller) -> None:
    message = update.effective_message
    assert message is not None
    text = _html(message)
    runtime = caller.runtime
    if caller.is_admin and await _answer(message, caller, text):
        return
    if message.reply_to_message is not None:
        async with runtime.sessions.begin() as session:
            sent = await questions.ask_about_message(
                session,
                member=caller.person,
                chat_id=message.chat_id,
                message_id=message.message_id,
                replied_to=message.reply_to_message.message_id,
                text=text,
                now=runtime.now(),
                settings=runtime.settings,
            )
        if sent is not None:
            await message.reply_text(
                caller.t("broadcast.reply_confirmed", names=", ".join(sent.to)),
                parse_mode=ParseMode.HTML,
            )
            return
    async with runtime.sessions.begin() as session:
        question, announcement = await questions.draft(
            session,
            member=caller.person,
            chat_id=message.chat_id,
            message_id=message.message_id,
            text=text,
            now=runtime.now(),
        )
    context_line = ""
    if announcement is not None:
        context_line = caller.t(
            "questions.offer_context",
            sent=format_short(announcement.created_at, caller.language, runtime.tz),
            excerpt=excerpt(announcement.text),
        )
    await reply(
        update,
        caller.t("questions.offer", context=context_line),
        [
            [
                (
                    caller.t("questions.send_button"),
                    questions.SEND_BUTTON.format(question_id=question.id),
                ),
                (
                    caller.t("questions.drop_button"),
                    questions.DROP_BUTTON.format(question_id=question.id),
                ),
            ]
        ],
    )


@members_only
async def pressed(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, BUTTON)
    action, question_id = match.group(1), int(match.group(2))
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        if action == "send":
            sent = await questions.send_draft(
                session,
                member=caller.person,
                question_id=question_id,
                now=runtime.now(),
                settings=runtime.settings,
            )
            text = caller.t("broadcast.reply_confirmed", names=", ".join(sent.to))
        elif action == "drop":
            await questions.drop_draft(session, member=caller.person, question_id=question_id)
            text = caller.t("questions.dropped")
        elif action == "ans":
            _, member = await questions.start_answer(
                session, admin=caller.person, question_id=question_id, now=runtime.now()
            )
            await answer_query(update)
            await reply(
                update,
                caller.t("questions.write_answer", name=member.name),
                [[(caller.t("questions.stop_button"), f"rfq:stop:{question_id}")]],
            )
            return
        else:
            await questions.cancel_answer(session, admin=caller.person)
            text = caller.t("questions.answer_stopped")
    await answer_query(update)
    await reply(update, text, edit=True)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    # After the dialogues: a dialogue waiting for text gets it first.
    MessageHandler(
        (filters.TEXT | filters.CAPTION) & filters.ChatType.PRIVATE & ~filters.COMMAND, typed
    ),
    CallbackQueryHandler(pressed, pattern=r"^rfq:"),
]
