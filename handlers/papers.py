"""/vorlage 2021/144: a proposal with its Beratungsfolge; its documents are sent on request."""

from __future__ import annotations

import io
import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.errors import UserError
from bot.screens import show_paper
from bot.services.oparl.files import document_for_member
from bot.ui import PRIVATE, answer_query, parse_callback
from storage.queries.council import paper_reference

Context = ContextTypes.DEFAULT_TYPE
PAPER_BUTTON = re.compile(r"pap:id:(\d{1,12})")
FILE_BUTTON = re.compile(r"pap:file:(\d{1,12})")
MAX_REFERENCE_LENGTH = 50


@members_only
async def paper_command(update: Update, context: Context, caller: Caller) -> None:
    reference = " ".join(context.args or []).strip()
    if not reference:
        raise UserError("papers.usage")
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise UserError("papers.not_found", reference=reference[:MAX_REFERENCE_LENGTH] + "…")
    await show_paper(update, caller, reference)


@members_only
async def paper_button(update: Update, context: Context, caller: Caller) -> None:
    paper_id = int(parse_callback(update, PAPER_BUTTON).group(1))
    async with caller.runtime.sessions() as session:
        reference = await paper_reference(session, paper_id=paper_id)
    if reference is None:
        raise UserError("papers.not_found", reference=paper_id)
    await show_paper(update, caller, reference)
    await answer_query(update)


@members_only
async def send_file(update: Update, context: Context, caller: Caller) -> None:
    file_id = int(parse_callback(update, FILE_BUTTON).group(1))
    # A synced document is fetched from the information system now (bot/services/oparl).
    file_name, content = await document_for_member(
        caller.runtime.sessions,
        file_id=file_id,
        request_timeout=caller.runtime.settings.oparl_timeout,
    )
    assert update.effective_chat is not None
    await update.effective_chat.send_document(io.BytesIO(content), filename=file_name)
    await answer_query(update)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("vorlage", paper_command, filters=PRIVATE),
    CallbackQueryHandler(paper_button, pattern=r"^pap:id:"),
    CallbackQueryHandler(send_file, pattern=r"^pap:file:"),
]
