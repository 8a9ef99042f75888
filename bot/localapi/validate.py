"""Telegram's checks on message content: text, captions, parse modes and reply markup."""

from __future__ import annotations

from typing import Any

from bot.localapi.html_entities import HtmlParseError, ParsedText, parse_html, utf16_len
from bot.localapi.state import ApiState
from bot.localapi.wire import Params, bad_request

JsonDict = dict[str, Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)


# Telegram trims these from both ends of texts and captions (tdlib strip_empty_characters)
_EMPTY_CHARACTERS = (
    " \t\r\n\v\f\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202f\u205f\u2800\u3000"
    "\u3164\ufeff"
)


def trim(parsed: ParsedText) -> ParsedText:
    """Strip empty characters at both ends, shifting and clipping entities like Telegram."""
    stripped = parsed.text.strip(_EMPTY_CHARACTERS)
    if stripped == parsed.text:
        return parsed
    start = utf16_len(parsed.text[: len(parsed.text) - len(parsed.text.lstrip(_EMPTY_CHARACTERS))])
    end = start + utf16_len(stripped)
    entities = []
    for entity in parsed.entities:
        first = max(entity["offset"], start)
        last = min(entity["offset"] + entity["length"], end)
        if last > first:
            entities.append({**entity, "offset": first - start, "length": last - first})
    return ParsedText(stripped, entities)


def parse_text(
    state: ApiState, raw: str, parse_mode: str | None, entities: Any = None
) -> ParsedText:
    """Apply the parse mode; explicit ``entities`` are taken as given (no parsing)."""
    mode = (parse_mode or "").strip()
    if entities:
        return ParsedText(raw, list(entities) if isinstance(entities, list) else [])
    if not mode:
        return ParsedText(raw, [])
    if mode.lower() != "html":
        # Telegram knows Markdown and MarkdownV2; this fake implements HTML only, on purpose
        raise bad_request(f"unsupported parse_mode {mode!r} (the local API implements HTML only)")
    try:
        return parse_html(raw, strict_ampersand=state.strict_ampersand)
    except HtmlParseError as error:
        raise bad_request(error.description.removeprefix("Bad Request: ")) from None


def message_text(state: ApiState, params: Params, name: str = "text") -> tuple[ParsedText, str]:
    """The parsed and checked text of sendMessage/editMessageText, and the raw text."""
    raw = params.get_str(name)
    if raw is None or raw == "":
        raise bad_request("message text is empty")
    entities = params.get_json("entities")
    parsed = trim(parse_text(state, raw, params.get_str("parse_mode"), entities))
    if not parsed.text:
        raise bad_request("message text is empty")
    if parsed.utf16_length > MAX_TEXT:
        raise bad_request("message is too long")
    return parsed, raw


def caption_text(state: ApiState, params: Params) -> tuple[ParsedText | None, str | None]:
    raw = params.get_str("caption")
    if raw is None:
        return None, None
    entities = params.get_json("caption_entities")
    parsed = trim(parse_text(state, raw, params.get_str("parse_mode"), entities))
    if utf16_len(parsed.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return parsed, raw


def reply_markup(params: Params) -> JsonDict | None:
    """Decode and check ``reply_markup``; returns None when absent."""
    markup = params.get_json("reply_markup", what="reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if not markup or markup.get("inline_keyboard") == []:
        # PTB serialises InlineKeyboardMarkup([]) as {}; Telegram takes both as "no keyboard"
        return None
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
    elif not ({"keyboard", "remove_keyboard", "force_reply"} & markup.keys()):
        raise bad_request('can\'t find field "inline_keyboard"')
    return markup


def check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    buttons = [button for row in rows for button in row]
    if len(buttons) > MAX_BUTTONS:
        raise bad_request("BUTTONS_TOO_MUCH")
    for button in buttons:
        if not isinstance(button, dict):
            raise bad_request("can't parse inline keyboard button: object expected")
        if not str(button.get("text", "")):
            raise bad_request('can\'t parse inline keyboard button: Field "text" must be non-empty')
        actions = [key for key in _BUTTON_ACTIONS if key in button]
        if not actions:
            raise bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        if len(actions) > 1:
            raise bad_request(
                "can't parse inline keyboard button: exactly one of the optional fields "
                f"must be used, found {', '.join(actions)}"
            )
        if "callback_data" in button:
            data = str(button["callback_data"])
            if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
        if "url" in button:
            url = str(button["url"])
            if not url or " " in url or ":" not in url:
                raise bad_request("BUTTON_URL_INVALID")


def reply_target(state: ApiState, params: Params, chat_id: int) -> int | None:
    """The message id to reply to, from reply_parameters or the older reply_to_message_id."""
    reply = params.get_json("reply_parameters")
    if isinstance(reply, dict):
        message_id = reply.get("message_id")
        allow_missing = bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = params.get_int("reply_to_message_id")
        allow_missing = params.get_bool("allow_sending_without_reply")
    if message_id is None:
        return None
    if state.get_message(chat_id, int(message_id)) is None:
        if allow_missing:
            return None
        raise bad_request("message to be replied not found")
    return int(message_id)
