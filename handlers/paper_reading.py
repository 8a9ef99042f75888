"""An administrator sends or forwards a Vorlage document in the private chat: the bot reads it,
shows every field (missing ones marked), takes corrections field by field and publishes it.

All state of this flow is the chat's row in `document_drafts` (bot/services/paper_reading.py):
a button press or a typed correction finds it there, so a restart or a second instance loses
nothing. Documents are taken after the dialogues: one sent in /vorlage_neu's document step or
as a broadcast's attachment goes to that dialogue, any other document comes here. A typed
correction is looked for before everything else (`CORRECTIONS`).
"""

from __future__ import annotations

import re

from telegram import Document, Update
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.access import Caller, admins_only, resolve_caller
from bot.errors import UserError
from bot.i18n import format_date, format_when
from bot.runtime import get_runtime
from bot.services import paper_reading as drafts
from bot.services.council_admin.read_papers import (
    ReadDocument,
    missing_fields,
    publish_read_paper,
)
from bot.services.notices import change_notifier
from bot.services.reader import MAX_BYTES, ReadError, detect_format, read_vorlage
from bot.services.reader.errors import NO_TEXT, TOO_LARGE
from bot.ui import PRIVATE, answer_query, parse_callback, reply
from bot.views.paper_reading import PREFIX, preview_buttons, preview_text

Context = ContextTypes.DEFAULT_TYPE
_FIX = re.compile(rf"^{PREFIX}:fix:([a-z]{{1,8}})$")
_MEETING = re.compile(rf"^{PREFIX}:mtg:(\d{{1,3}})$")


async def _download(context: Context, file_id: str) -> bytes:
    try:
        telegram_file = await context.bot.get_file(file_id)
        return bytes(await telegram_file.download_as_bytearray())
    except TelegramError:
        raise UserError("paper_reading.download_failed") from None


async def _show(update: Update, caller: Caller, view: drafts.DraftView) -> None:
    text = preview_text(
        view.fields,
        file_name=view.file_name,
        exists=view.exists,
        language=caller.language,
        meetings=view.meetings,
    )
    buttons = preview_buttons(view.exists, caller.language, view.fields, view.meetings)
    await reply(update, text, buttons)


@admins_only
async def got_document(update: Update, context: Context, caller: Caller) -> None:
    message = update.effective_message
    chat = update.effective_chat
    document: Document | None = message.document if message else None
    if document is None or chat is None:
        return
    name = document.file_name or "dokument"
    if document.file_size is not None and document.file_size > MAX_BYTES:
        raise ReadError(TOO_LARGE, megabytes=MAX_BYTES // (1024 * 1024))
    content = await _download(context, document.file_id)
    try:
        vorlage = read_vorlage(content)
    except ReadError as error:
        text = error.render(caller.language)
        if error.key == NO_TEXT:
            text += "\n" + caller.t("paper_reading.manual")
        await reply(update, text)
        return
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        view = await drafts.start_draft(
            session,
            actor=caller.person,
            chat_id=chat.id,
            vorlage=vorlage,
            file_id=document.file_id,
            file_name=name,
            mime_type=document.mime_type or "application/octet-stream",
            now=runtime.now(),
            tz=runtime.settings.tz,
        )
    await _show(update, caller, view)


@admins_only
async def fix_field(update: Update, context: Context, caller: Caller) -> None:
    code = parse_callback(update, _FIX).group(1)
    chat = update.effective_chat
    assert chat is not None
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        draft = await drafts.current_draft(
            session, actor=caller.person, chat_id=chat.id, now=runtime.now()
        )
        field = drafts.ask_for(draft, code, runtime.now())
    await answer_query(update)
    if field == "proposal_points":
        await reply(update, caller.t("paper_reading.ask_points"))
    elif field in ("consultations", "history"):
        await reply(update, caller.t(f"paper_reading.ask_{field}"))
    else:
        label = caller.t(f"paper_reading.field.{field}")
        await reply(update, caller.t("paper_reading.ask", label=label))


@admins_only
async def ask_meeting(update: Update, context: Context, caller: Caller) -> None:
    """A consultation's committee has no meeting that day: ask its time and place."""
    index = int(parse_callback(update, _MEETING).group(1))
    chat = update.effective_chat
    assert chat is not None
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        draft = await drafts.current_draft(
            session, actor=caller.person, chat_id=chat.id, now=runtime.now()
        )
        wanted = await drafts.meeting_wanted(session, draft, index, tz=runtime.settings.tz)
        drafts.ask_for_meeting(draft, index, runtime.now())
    await answer_query(update)
    text = caller.t(
        "paper_reading.ask_meeting",
        organization=wanted.organization.name,
        date=format_date(wanted.day, caller.language),
    )
    await reply(update, text)


async def typed_correction(update: Update, context: Context) -> None:
    """A typed correction when this chat's document draft waits for one.

    Registered before every other handler (bot/app.py, group -1): it looks at each private text
    first and takes it only when a field or a meeting's time was asked for here, then stops the
    others; any other text goes on to the dialogues, the Rückfragen and the fallback.
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    runtime = get_runtime(context)
    caller = await resolve_caller(update, runtime)
    if caller is None or not caller.is_admin:
        return
    async with runtime.sessions.begin() as session:
        draft = await drafts.awaiting_draft(
            session, actor=caller.person, chat_id=chat.id, now=runtime.now()
        )
        if draft is None:
            return
        try:
            if drafts.awaited_meeting(draft) is not None:
                meeting = await drafts.create_consultation_meeting(
                    session,
                    actor=caller.person,
                    draft=draft,
                    text=message.text,
                    tz=runtime.settings.tz,
                    now=runtime.now(),
                    notifier=change_notifier(runtime.settings, skip_person_id=caller.person.id),
                )
                when = format_when(meeting.start, caller.language, runtime.settings.tz)
                created = caller.t("paper_reading.meeting_created", when=when)
            else:
                drafts.correct(draft, message.text, runtime.now())
                created = None
            await session.flush()
            view = await drafts.view_of(session, draft, tz=runtime.settings.tz)
        except UserError as error:
            await reply(update, error.render(caller.language))
            raise ApplicationHandlerStop from error
    if created:
        await reply(update, created)
    await _show(update, caller, view)
    raise ApplicationHandlerStop


@admins_only
async def publish(update: Update, context: Context, caller: Caller) -> None:
    chat = update.effective_chat
    assert chat is not None
    runtime = caller.runtime
    async with runtime.sessions() as session:
        draft = await drafts.current_draft(
            session, actor=caller.person, chat_id=chat.id, now=runtime.now()
        )
        vorlage, file_id, file_name = drafts.vorlage_of(draft), draft.file_id, draft.file_name
    if missing_fields(vorlage):
        raise UserError("paper_reading.missing_required")
    content = await _download(context, file_id)
    document = ReadDocument(content, file_name, detect_format(content))
    notifier = change_notifier(runtime.settings, skip_person_id=caller.person.id)
    async with runtime.sessions.begin() as session:
        change = await publish_read_paper(
            session,
            actor=caller.person,
            vorlage=vorlage,
            document=document,
            tz=runtime.settings.tz,
            now=runtime.now(),
            notifier=notifier,
        )
        await drafts.discard(session, chat_id=chat.id)
        created = bool(change.report.papers.created)
        reference = change.item.reference
    await answer_query(update)
    key = "paper_reading.published" if created else "paper_reading.updated"
    await reply(update, caller.t(key, reference=reference, name=file_name), edit=False)


@admins_only
async def drop(update: Update, context: Context, caller: Caller) -> None:
    chat = update.effective_chat
    assert chat is not None
    async with caller.runtime.sessions.begin() as session:
        await drafts.discard(session, chat_id=chat.id)
    await answer_query(update)
    await reply(update, caller.t("paper_reading.dropped"))


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    MessageHandler(PRIVATE & filters.Document.ALL, got_document),
    CallbackQueryHandler(fix_field, pattern=rf"^{PREFIX}:fix:"),
    CallbackQueryHandler(ask_meeting, pattern=rf"^{PREFIX}:mtg:"),
    CallbackQueryHandler(publish, pattern=rf"^{PREFIX}:pub$"),
    CallbackQueryHandler(drop, pattern=rf"^{PREFIX}:drop$"),
]

# Checked before every other handler (group -1), see typed_correction.
CORRECTIONS: list[BaseHandler[Update, Context, None]] = [
    MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, typed_correction),
]
