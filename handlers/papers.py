"""/vorlage 2021/144: a Vorlage with its Beratungsfolge; its documents are sent on request.

`/vorlage 144`, `/vorlage 2021-144` find it by number too, near matches are offered with
buttons, and `/vorlage` alone lists the latest Vorlagen (bot.services.paper_lookup).
"""

from __future__ import annotations

import io
import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.errors import UserError
from bot.screens import show_paper
from bot.services.oparl.files import document_for_member
from bot.services.paper_lookup import Found, find_paper
from bot.ui import PRIVATE, Button, answer_query, is_private, parse_callback, reply
from storage.queries.council import paper_reference
from storage.queries.search import latest_papers

Context = ContextTypes.DEFAULT_TYPE
PAPER_BUTTON = re.compile(r"pap:id:(\d{1,12})")
FILE_BUTTON = re.compile(r"pap:file:(\d{1,12})")
MAX_REFERENCE_LENGTH = 50
LATEST = 8  # Vorlagen listed by /vorlage alone


@members_only
async def paper_command(update: Update, context: Context, caller: Caller) -> None:
    reference = " ".join(context.args or []).strip()
    if len(reference) > MAX_REFERENCE_LENGTH:
        raise UserError("papers.not_found", reference=reference[:MAX_REFERENCE_LENGTH] + "…")
    async with caller.runtime.sessions() as session:
        if not reference:
            latest = await latest_papers(session, limit=LATEST)
            found = Found(near=latest)
        else:
            found = await find_paper(session, text=reference)
    if found.reference is not None:
        await show_paper(update, caller, found.reference)
        return
    if not found.near:
        raise UserError(
            "papers.not_found_hint" if reference else "papers.none", reference=reference
        )
    key = "papers.latest" if not reference else "papers.near"
    rows: list[list[Button]] = [
        [
            (
                caller.t("papers.choose_button", reference=p.reference, name=_short(p.name)),
                f"pap:id:{p.id}",
            )
        ]
        for p in found.near
    ]
    await reply(update, caller.t(key, reference=reference), rows)


def _short(name: str, limit: int = 40) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1] + "…"


@members_only
async def paper_button(update: Update, context: Context, caller: Caller) -> None:
    paper_id = int(parse_callback(update, PAPER_BUTTON).group(1))
    if not is_private(update):  # a look-up never answers into a group
        raise UserError("access.lookup_private_only")
    async with caller.runtime.sessions() as session:
        reference = await paper_reference(session, paper_id=paper_id)
    if reference is None:
        raise UserError("papers.not_found", reference=paper_id)
    await show_paper(update, caller, reference)
    await answer_query(update)


@members_only
async def send_file(update: Update, context: Context, caller: Caller) -> None:
    file_id = int(parse_callback(update, FILE_BUTTON).group(1))
    if not is_private(update):  # a look-up never answers into a group
        raise UserError("access.lookup_private_only")
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
