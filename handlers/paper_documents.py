"""The document step of /vorlage_neu, and /vorlage_anlage (registered by handlers/paper_admin.py).

After a paper is published (or with /vorlage_anlage 2021/144 for an existing one) each PDF or
Word document the administrator sends is attached to it, until /fertig (or /abbrechen).
"""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.services.council_admin import attach_file, clean_file_name, document_kind
from bot.ui import answer_query, reply
from handlers import admin_dialogue as dialogue
from storage.queries.council import paper_by_reference

Context = ContextTypes.DEFAULT_TYPE
NAME = "padm"  # the dialogue's name and its callback-data prefix
DOCUMENT = 7  # the state that takes documents (after paper_admin's states 0 to 6)
step = dialogue.step(NAME)


@admins_only
async def begin_attach(update: Update, context: Context, caller: Caller) -> int:
    reference = " ".join(context.args or [])
    if not reference:
        raise UserError("paper_admin.attach_usage")
    async with caller.runtime.sessions() as session:
        paper = await paper_by_reference(session, reference=reference)
    if paper is None:
        raise UserError("paper_admin.no_such_paper", reference=reference)
    draft = dialogue.begin_dialogue(context, NAME)
    draft.update(paper_id=paper.id, reference=paper.reference, attached=len(paper.files))
    await reply(update, caller.t("paper_admin.ask_document", reference=paper.reference))
    return DOCUMENT


@step
async def got_document(update: Update, context: Context, caller: Caller) -> int:
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return DOCUMENT
    name = clean_file_name(document.file_name)
    # Refuse by name, type and size first: a 50 MB video need not be downloaded to say no.
    document_kind(name, document.mime_type, document.file_size)
    try:
        content = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError:
        raise UserError("paper_admin.download_failed") from None
    draft = dialogue.draft(context, NAME)
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        attached = await attach_file(
            session,
            actor=caller.person,
            paper_id=draft["paper_id"],
            file_name=document.file_name,
            mime_type=document.mime_type,
            content=content,
            now=runtime.now(),
            notifier=dialogue.change_notifier(context, caller),
        )
    draft["attached"] += 1
    text = caller.t(
        "paper_admin.attached", name=attached.item.file_name, reference=draft["reference"]
    )
    await reply(update, text)
    return DOCUMENT


@step
async def not_a_document(update: Update, context: Context, caller: Caller) -> int:
    await reply(update, caller.t("paper_admin.send_document"))
    return DOCUMENT


async def _finish(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    text = caller.t("paper_admin.done", reference=draft["reference"], count=draft["attached"])
    await reply(update, text)
    return dialogue.end_dialogue(context, NAME)


@step
async def done(update: Update, context: Context, caller: Caller) -> int:
    return await _finish(update, context, caller)


@step
async def abort(update: Update, context: Context, caller: Caller) -> int:
    if "paper_id" in dialogue.draft(context, NAME):
        # Already published: ending the dialogue only stops taking documents.
        await answer_query(update)
        return await _finish(update, context, caller)
    return await dialogue.abort(update, context, caller, NAME)
