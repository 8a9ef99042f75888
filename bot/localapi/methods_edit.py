"""Changing sent messages and answering buttons.

editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage and
answerCallbackQuery. As on Telegram, an edit without ``reply_markup`` removes the inline
keyboard, and an edit that changes nothing is refused with "message is not modified".
Edits are not rate limited here.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.localapi.models import CallbackAnswer, ChatMessage, Revision
from bot.localapi.state import ApiState
from bot.localapi.validate import caption_text, message_text, reply_markup
from bot.localapi.wire import Params, bad_request

JsonDict = dict[str, Any]
Handler = Callable[[ApiState, Params], Awaitable[Any]]

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def _edit_target(state: ApiState, params: Params) -> ChatMessage:
    if params.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the local API")
    chat = state.resolve_chat(params.chat_id())
    message_id = params.get_int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = state.get_message(chat.id, message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    if chat.user is not None and (chat.user.blocked or chat.user.deactivated):
        state.check_can_send(chat)
    return message


def _apply(
    state: ApiState,
    message: ChatMessage,
    text: str | None,
    html: str | None,
    entities: list[JsonDict],
    markup: JsonDict | None,
) -> JsonDict:
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    message.revisions.append(Revision(message.text, message.html, message.reply_markup))
    message.text, message.html, message.entities = text, html, entities
    message.reply_markup = markup
    message.edit_date = int(time.time())
    state.record_event(message)
    return message.to_api()


async def edit_message_text(state: ApiState, params: Params) -> JsonDict:
    message = _edit_target(state, params)
    if message.media_kind:
        raise bad_request("there is no text in the message to edit")
    parsed, raw = message_text(state, params)
    markup = reply_markup(params)
    options = params.get_json("link_preview_options")
    if isinstance(options, dict):
        message.link_preview_options = options
    return _apply(state, message, parsed.text, raw, parsed.entities, markup)


async def edit_message_caption(state: ApiState, params: Params) -> JsonDict:
    message = _edit_target(state, params)
    if not message.media_kind:
        raise bad_request("there is no caption in the message to edit")
    caption, raw = caption_text(state, params)
    markup = reply_markup(params)
    text = caption.text if caption else None
    return _apply(state, message, text, raw, caption.entities if caption else [], markup)


async def edit_message_reply_markup(state: ApiState, params: Params) -> JsonDict:
    message = _edit_target(state, params)
    markup = reply_markup(params)
    return _apply(state, message, message.text, message.html, message.entities, markup)


async def delete_message(state: ApiState, params: Params) -> bool:
    chat = state.resolve_chat(params.chat_id())
    message = state.get_message(chat.id, params.get_int("message_id", required=True))
    if message is None:
        raise bad_request("message to delete not found")
    if chat.user is None and not message.from_bot and chat.bot_status != "administrator":
        raise bad_request("message can't be deleted")
    message.deleted = True
    state.record_event(message)
    return True


async def answer_callback_query(state: ApiState, params: Params) -> bool:
    query_id = params.get_str("callback_query_id")
    text = params.get_str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending = state.callbacks.pop(query_id or "", None)
    if pending is None:
        raise bad_request(QUERY_INVALID)
    answer = CallbackAnswer(
        text=text or None,
        show_alert=params.get_bool("show_alert"),
        url=params.get_str("url"),
        data=pending.data,
    )
    state.callback_answers.setdefault(pending.chat_id, []).append(answer)
    return True


METHODS: dict[str, Handler] = {
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "answerCallbackQuery": answer_callback_query,
}
