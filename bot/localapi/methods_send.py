"""Message-sending methods: sendMessage, sendDocument, sendPhoto, forwardMessage, copyMessage.

Order of checks per send: the chat exists, the bot may write there (403s), the content is valid
(400s), then the flood limits (429). Invalid requests therefore never use up the rate budget.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.localapi.models import ChatInfo, ChatMessage, StoredFile
from bot.localapi.state import ApiState
from bot.localapi.validate import (
    caption_text,
    message_text,
    reply_markup,
    reply_target,
)
from bot.localapi.wire import ApiError, Params, UploadedFile, bad_request

JsonDict = dict[str, Any]
Handler = Callable[[ApiState, Params], Awaitable[Any]]

MAX_UPLOAD = 50 * 1024 * 1024


def _target_chat(state: ApiState, params: Params) -> ChatInfo:
    chat = state.resolve_chat(params.chat_id())
    state.check_can_send(chat)
    return chat


def _link_preview(params: Params) -> JsonDict | None:
    options = params.get_json("link_preview_options")
    if isinstance(options, dict):
        return options
    if params.get_bool("disable_web_page_preview"):
        return {"is_disabled": True}
    return None


def _reply_to(state: ApiState, params: Params, chat: ChatInfo) -> ChatMessage | None:
    message_id = reply_target(state, params, chat.id)
    return state.get_message(chat.id, message_id)


async def send_message(state: ApiState, params: Params) -> JsonDict:
    chat = _target_chat(state, params)
    parsed, raw = message_text(state, params)
    markup = reply_markup(params)
    reply_to = _reply_to(state, params, chat)
    state.admit_send(chat)
    message = state.new_message(
        chat,
        state.bot,
        text=parsed.text,
        html=raw,
        entities=parsed.entities,
        reply_markup=markup,
        disable_notification=params.get_bool("disable_notification"),
        reply_to=reply_to,
        link_preview_options=_link_preview(params),
    )
    return message.to_api()


def _input_file(state: ApiState, params: Params, kind: str) -> StoredFile:
    source = params.input_file(kind)
    if source is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(source, UploadedFile):
        if not source.data:
            raise bad_request("file must be non-empty")
        if len(source.data) > MAX_UPLOAD:
            raise ApiError(413, "Request Entity Too Large")
        return state.store_file(source.data, source.filename, source.content_type, kind)
    known = state.files.get(source)
    if known is not None:
        return known
    if source.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    raise bad_request("wrong file identifier/HTTP URL specified")


async def _send_media(state: ApiState, params: Params, kind: str) -> JsonDict:
    chat = _target_chat(state, params)
    stored = _input_file(state, params, kind)
    caption, raw = caption_text(state, params)
    markup = reply_markup(params)
    reply_to = _reply_to(state, params, chat)
    state.admit_send(chat)
    message = state.new_message(
        chat,
        state.bot,
        text=caption.text if caption else None,
        html=raw,
        entities=caption.entities if caption else [],
        reply_markup=markup,
        file=stored,
        media_kind=kind,
        disable_notification=params.get_bool("disable_notification"),
        reply_to=reply_to,
    )
    return message.to_api()


async def send_document(state: ApiState, params: Params) -> JsonDict:
    return await _send_media(state, params, "document")


async def send_photo(state: ApiState, params: Params) -> JsonDict:
    return await _send_media(state, params, "photo")


def _source_message(state: ApiState, params: Params, verb: str) -> ChatMessage:
    source_chat = state.resolve_chat(params.chat_id("from_chat_id"))
    message_id = params.get_int("message_id", required=True)
    source = state.get_message(source_chat.id, message_id)
    if source is None:
        raise bad_request(f"message to {verb} not found")
    return source


async def forward_message(state: ApiState, params: Params) -> JsonDict:
    chat = _target_chat(state, params)
    source = _source_message(state, params, "forward")
    state.admit_send(chat)
    message = state.new_message(
        chat,
        state.bot,
        text=source.text,
        html=source.html,
        entities=list(source.entities),
        file=source.file,
        media_kind=source.media_kind,
        disable_notification=params.get_bool("disable_notification"),
        forward_origin={"type": "user", "sender_user": source.sender.to_api(), "date": source.date},
    )
    return message.to_api()


async def copy_message(state: ApiState, params: Params) -> JsonDict:
    chat = _target_chat(state, params)
    source = _source_message(state, params, "copy")
    text, html, entities = source.text, source.html, list(source.entities)
    caption, raw_caption = caption_text(state, params)
    if source.media_kind and caption is not None:
        text, html, entities = caption.text, raw_caption, caption.entities
    markup = reply_markup(params)
    reply_to = _reply_to(state, params, chat)
    state.admit_send(chat)
    message = state.new_message(
        chat,
        state.bot,
        text=text,
        html=html,
        entities=entities,
        file=source.file,
        media_kind=source.media_kind,
        reply_markup=markup,
        reply_to=reply_to,
        disable_notification=params.get_bool("disable_notification"),
    )
    return {"message_id": message.message_id}


async def send_chat_action(state: ApiState, params: Params) -> bool:
    _target_chat(state, params)
    return True


METHODS: dict[str, Handler] = {
    "sendMessage": send_message,
    "sendDocument": send_document,
    "sendPhoto": send_photo,
    "forwardMessage": forward_message,
    "copyMessage": copy_message,
    "sendChatAction": send_chat_action,
}
