"""The document step of /vorlage_neu, and /vorlage_anlage (registered in __init__.py).

After a paper is published (or with /vorlage_anlage 2021/144 for an existing one) each PDF or
Word document the administrator sends is attached to it, until /fertig (or /abbrechen).
"""

from __future__ import annotations

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import dialogues as dialogue
from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.services.council_admin import attach_file, clean_file_name, document_kind
from bot.ui import answer_query, reply
from handlers.paper_admin.common import NAME, Step, step
from handlers.paper_admin.common import begin as begin_draft
from handlers.paper_admin.common import draft as _draft
from storage.queries.council import paper_by_reference

Context = ContextTypes.DEFAULT_TYPE


@admins_only
async def begin_attach(update: Update, context: Context, caller: Caller) -> int:
    reference = " ".join(context.args or [])
    if not reference:
        raise UserError("paper_admin.attach_usage")
    async with caller.runtime.sessions() as session:
        paper = await paper_by_reference(session, reference=reference)
    if paper is None:
        raise UserError("paper_admin.no_such_paper", reference=reference)
    draft = begin_draft(context, Step.DOCUMENT)
    draft.paper_id, draft.reference, draft.attached = paper.id, paper.reference, len(paper.files)
    await reply(update, caller.t("paper_admin.ask_document", reference=paper.reference))
    return Step.DOCUMENT


@step(Step.DOCUMENT)
async def got_document(update: Update, context: Context, caller: Caller) -> int:
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return Step.DOCUMENT
    name = clean_file_name(document.file_name)
    # Refuse by name, type and size first: a 50 MB video need not be downloaded to say no.
    document_kind(name, document.mime_type, document.file_size)
    try:
        content = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError:
        raise UserError("paper_admin.download_failed") from None
    draft = _draft(context)
    runtime = caller.runtime
    if draft.paper_id is None:
        raise UserError("access.bad_button")
    async with runtime.sessions.begin() as session:
        attached = await attach_file(
            session,
            actor=caller.person,
            paper_id=draft.paper_id,
            file_name=document.file_name,
            mime_type=document.mime_type,
            content=content,
            now=runtime.now(),
            notifier=runtime.change_notifier(caller.person.id),
        )
    draft.attached += 1
    text = caller.t("paper_admin.attached", name=attached.item.file_name, reference=draft.reference)
    await reply(update, text)
    return Step.DOCUMENT


@step(Step.DOCUMENT)
async def not_a_document(update: Update, context: Context, caller: Caller) -> int:
    await reply(update, caller.t("paper_admin.send_document"))
    return Step.DOCUMENT


async def _finish(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    text = caller.t("paper_admin.done", reference=draft.reference, count=draft.attached)
    await reply(update, text)
    return dialogue.finish(context, NAME)


@step()
async def done(update: Update, context: Context, caller: Caller) -> int:
    return await _finish(update, context, caller)


@step()
async def abort(update: Update, context: Context, caller: Caller) -> int:
    if _draft(context).paper_id is not None:
        # Already published: ending the dialogue only stops taking documents.
        await answer_query(update)
        return await _finish(update, context, caller)
    return await dialogue.abort(update, context, caller, NAME)
