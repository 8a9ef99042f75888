"""/rundschreiben: an administrator writes early information (Vorab-Information) to an audience.

Dialogue: text → optional document or photo → audience (buttons) → a preview exactly as the
recipients get it → send or discard. On sending, one status message is edited in place with
the progress and ends as the report (bot/broadcast_progress). /abbrechen aborts at any step.
Replies to a broadcast (Rückfragen) are handled in handlers/questions.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from telegram import Bot, Document, Message, PhotoSize, Update
from telegram.constants import ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import dialogues
from bot.access import Caller, admins_only
from bot.broadcast_progress import StatusMessage, follow
from bot.dialogues import END, DialogueMemory
from bot.errors import UserError
from bot.services.broadcast import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    Audience,
    AudienceChoice,
    clean_body,
    create_broadcast,
    render_broadcast,
    resolve_audience,
)
from bot.services.delivery.text import MAX_CAPTION, visible_length
from bot.ui import Button, answer_query, keyboard, parse_callback, reply
from storage.models import OrganizationKind
from storage.queries.groups import active_groups
from storage.queries.members import factions
from storage.queries.organizations import by_id

Context = ContextTypes.DEFAULT_TYPE


class Step(IntEnum):
    TEXT = 0
    ATTACHMENT = 1
    AUDIENCE = 2
    FACTION = 3
    CONFIRM = 4


DIALOGUE = "broadcast"  # stored with the state: keep it stable
AUDIENCE_BUTTON = re.compile(r"bc:aud:(everyone|speakers|administration|faction|group)")
FACTION_BUTTON = re.compile(r"bc:fac:(\d{1,12})")
CONFIRM_BUTTON = re.compile(r"bc:(send|cancel)")


@dataclass
class BroadcastDraft:
    body: str | None = None
    # The attachment is kept as Telegram's file_id (never its bytes) and fetched when needed.
    attachment_file_id: str | None = None
    attachment_name: str | None = None
    audience: str | None = None


@dataclass(frozen=True)
class _Media:
    file_id: str
    file_name: str


def _draft(context: Context) -> BroadcastDraft:
    return dialogues.draft(context, DIALOGUE, BroadcastDraft)


@admins_only
async def begin(update: Update, context: Context, caller: Caller) -> int:
    # A dialogue left open is replaced: this one is the chat's current dialogue now.
    dialogues.begin(context, DIALOGUE, BroadcastDraft, Step.TEXT)
    await reply(update, caller.t("broadcast.ask_text"))
    return Step.TEXT


async def _download(bot: Bot, draft: BroadcastDraft) -> Attachment | None:
    if draft.attachment_file_id is None:
        return None
    file = await bot.get_file(draft.attachment_file_id)
    return Attachment(
        draft.attachment_name or "dokument", bytes(await file.download_as_bytearray())
    )


def _attachment_of(message: Message) -> _Media | None:
    """The document or photo of `message` (refused above the bot's 20 MB)."""
    media: Document | PhotoSize
    if message.document is not None:
        media, name = message.document, message.document.file_name or "dokument"
    elif message.photo:
        media, name = message.photo[-1], "foto.jpg"
    else:
        return None
    if (media.file_size or 0) > MAX_ATTACHMENT_BYTES:
        raise UserError("broadcast.attachment_too_big", name=name, limit=20)
    return _Media(media.file_id, name)


def _keep(draft: BroadcastDraft, media: _Media) -> None:
    draft.attachment_file_id, draft.attachment_name = media.file_id, media.file_name


@dialogues.step(DIALOGUE)
async def got_text(update: Update, context: Context, caller: Caller) -> int:
    message = update.effective_message
    assert message is not None
    draft = _draft(context)
    draft.body = clean_body(message.text_html if message.text else message.caption_html or "")
    attachment = _attachment_of(message)
    if attachment is not None:  # a document with a caption: text and attachment at once
        _keep(draft, attachment)
        return await _ask_audience(update, context, caller, note=attachment.file_name)
    dialogues.goto(context, DIALOGUE, Step.ATTACHMENT)
    rows = [[(caller.t("broadcast.no_attachment"), "bc:noatt")]]
    await reply(update, caller.t("broadcast.ask_attachment"), rows)
    return Step.ATTACHMENT


@dialogues.step(DIALOGUE)
async def got_attachment(update: Update, context: Context, caller: Caller) -> int:
    message = update.effective_message
    assert message is not None
    attachment = _attachment_of(message)
    if attachment is None:
        await reply(update, caller.t("broadcast.attachment_wrong"))
        return Step.ATTACHMENT
    _keep(_draft(context), attachment)
    return await _ask_audience(update, context, caller, note=attachment.file_name)


@dialogues.step(DIALOGUE)
async def without_attachment(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    draft.attachment_file_id = draft.attachment_name = None
    await answer_query(update)
    return await _ask_audience(update, context, caller, edit=True)


async def _ask_audience(
    update: Update,
    context: Context,
    caller: Caller,
    *,
    note: str | None = None,
    edit: bool = False,
) -> int:
    async with caller.runtime.sessions() as session:
        has_group = bool(await active_groups(session))
    choices = ["everyone", "speakers", "administration", "faction"]
    choices += ["group"] if has_group else []
    rows: list[list[Button]] = [
        [(caller.t(f"broadcast.choose.{choice}"), f"bc:aud:{choice}")] for choice in choices
    ]
    dialogues.goto(context, DIALOGUE, Step.AUDIENCE)
    text = caller.t("broadcast.ask_audience")
    if note:
        text = caller.t("broadcast.attachment_kept", name=note) + "\n" + text
    await reply(update, text, rows, edit=edit)
    return Step.AUDIENCE


@dialogues.step(DIALOGUE)
async def got_audience(update: Update, context: Context, caller: Caller) -> int:
    choice = parse_callback(update, AUDIENCE_BUTTON).group(1)
    await answer_query(update)
    if choice == "faction":
        async with caller.runtime.sessions() as session:
            options = await factions(session)
        rows: list[list[Button]] = [[(org.name, f"bc:fac:{org.id}")] for org in options]
        dialogues.goto(context, DIALOGUE, Step.FACTION)
        await reply(update, caller.t("broadcast.ask_faction"), rows, edit=True)
        return Step.FACTION
    return await _preview(update, context, caller, AudienceChoice(Audience(choice)))


@dialogues.step(DIALOGUE)
async def got_faction(update: Update, context: Context, caller: Caller) -> int:
    faction_id = int(parse_callback(update, FACTION_BUTTON).group(1))
    async with caller.runtime.sessions() as session:
        faction = await by_id(session, organization_id=faction_id, kind=OrganizationKind.FACTION)
    if faction is None:
        raise UserError("access.bad_button")
    await answer_query(update)
    return await _preview(update, context, caller, AudienceChoice(Audience.FACTION, faction.key))


async def _preview(update: Update, context: Context, caller: Caller, choice: AudienceChoice) -> int:
    draft = _draft(context)
    if draft.body is None:
        raise UserError("broadcast.stale")
    runtime = caller.runtime
    async with runtime.sessions() as session:
        members = await resolve_audience(
            session,
            choice=choice,
            settings=runtime.settings,
            today=runtime.today(),
            exclude_person_id=caller.person.id,
        )
    if not members.readers:
        raise UserError("broadcast.nobody")
    draft.audience = str(choice)
    to_group = choice.audience is Audience.GROUP
    text = render_broadcast(
        draft.body, language=caller.language, sender=caller.person.name, to_group=to_group
    )
    chat = update.effective_chat
    assert chat is not None
    dialogues.goto(context, DIALOGUE, Step.CONFIRM)
    await reply(update, caller.t("broadcast.preview_intro"), edit=True)
    attachment = await _download(context.bot, draft)
    # The same calls the delivery worker makes (bot/services/delivery/sending.py), so the
    # preview is what members will see: a text too long for a caption goes first.
    caption: str | None = text
    if attachment is None or visible_length(text) > MAX_CAPTION:
        await chat.send_message(text, parse_mode=ParseMode.HTML)
        caption = None
    if attachment is not None:
        await chat.send_document(
            attachment.content,
            filename=attachment.file_name,
            caption=caption,
            parse_mode=ParseMode.HTML,
        )
    audience = caller.t(f"broadcast.audience.{choice.audience.value}", name=members.label)
    unlinked = (
        caller.t("broadcast.confirm_unlinked", names=", ".join(p.name for p in members.unlinked))
        if members.unlinked
        else ""
    )
    confirm = caller.t(
        "broadcast.confirm", audience=audience, count=len(members.readers), unlinked=unlinked
    )
    rows = [[(caller.t("broadcast.send"), "bc:send"), (caller.t("broadcast.cancel"), "bc:cancel")]]
    await chat.send_message(confirm, parse_mode=ParseMode.HTML, reply_markup=keyboard(rows))
    return Step.CONFIRM


@dialogues.step(DIALOGUE)
async def confirmed(update: Update, context: Context, caller: Caller) -> int:
    action = parse_callback(update, CONFIRM_BUTTON).group(1)
    draft = _draft(context)
    await answer_query(update)
    if action == "cancel" or draft.audience is None or draft.body is None:
        await reply(update, caller.t("broadcast.cancelled"), edit=True)
        return dialogues.finish(context, DIALOGUE)
    runtime = caller.runtime
    # The confirmation message becomes the status message, edited in place from now on.
    status = update.callback_query.message if update.callback_query else None
    assert isinstance(status, Message)
    attachment = await _download(context.bot, draft)
    async with runtime.sessions.begin() as session:
        sent = await create_broadcast(
            session,
            actor=caller.person,
            body=draft.body,
            choice=AudienceChoice.parse(draft.audience),
            settings=runtime.settings,
            now=runtime.now(),
            attachment=attachment,
            report_chat_id=status.chat_id,
            report_message_id=status.message_id,
        )
    await reply(update, caller.t("broadcast.sending", count=sent.recipients), edit=True)
    dialogues.finish(context, DIALOGUE)
    follow(
        context.application,
        StatusMessage(
            announcement_id=sent.announcement.id,
            chat_id=status.chat_id,
            message_id=status.message_id,
            language=caller.language,
            unlinked=[person.name for person in sent.unlinked],
        ),
    )
    return END


@admins_only
async def abort(update: Update, context: Context, caller: Caller) -> int:
    await reply(update, caller.t("broadcast.cancelled"))
    return dialogues.finish(context, DIALOGUE)


media_input = (filters.Document.ALL | filters.PHOTO) & filters.ChatType.PRIVATE


def handlers(memory: DialogueMemory) -> list[BaseHandler[Update, Context, Any]]:
    """The dialogue; its state is the chat's stored dialogue (bot/dialogues). Typed text and
    media reach it only while it is the chat's current dialogue."""
    text_input = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    media = media_input
    dialogue = dialogues.dialogue(
        DIALOGUE,
        memory,
        entry_points=[CommandHandler("rundschreiben", begin, filters=filters.ChatType.PRIVATE)],
        states={
            Step.TEXT: [MessageHandler(text_input | media, got_text)],
            Step.ATTACHMENT: [
                MessageHandler(media | text_input, got_attachment),
                CallbackQueryHandler(without_attachment, pattern=r"^bc:noatt$"),
            ],
            Step.AUDIENCE: [CallbackQueryHandler(got_audience, pattern=r"^bc:aud:")],
            Step.FACTION: [CallbackQueryHandler(got_faction, pattern=r"^bc:fac:")],
            Step.CONFIRM: [CallbackQueryHandler(confirmed, pattern=r"^bc:(send|cancel)$")],
        },
        fallbacks=[CommandHandler("abbrechen", abort)],
    )
    return [dialogue]
