"""Bot-level and chat-level methods that send no messages.

getMe, getUpdates, the webhook trio (a loopback webhook is called: bot/localapi/webhooks.py), the
command menu per (scope, language), descriptions, getChat, getChatMember, leaveChat, getFile.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.localapi.models import chat_member_api
from bot.localapi.state import ApiState
from bot.localapi.wire import ApiError, Params, bad_request

JsonDict = dict[str, Any]
Handler = Callable[[ApiState, Params], Awaitable[Any]]

MAX_DOWNLOAD = 20 * 1024 * 1024
_SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


async def get_me(state: ApiState, params: Params) -> JsonDict:
    return {
        **state.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


async def get_updates(state: ApiState, params: Params) -> list[JsonDict]:
    allowed = params.get_json("allowed_updates")
    if isinstance(allowed, list):
        # an empty list means "back to the default", like Telegram
        state.allowed_updates = frozenset(str(a) for a in allowed) or None
    limit = params.get_int("limit") or 100
    timeout = params.get_float("timeout") or 0.0
    return await state.poll_updates(params.get_int("offset"), limit, timeout)


async def set_webhook(state: ApiState, params: Params) -> bool:
    state.webhook_url = params.get_str("url") or ""
    state.webhook_secret = params.get_str("secret_token") or ""
    state.notify()  # the webhook pusher (bot/localapi/webhooks.py) starts delivering
    return True


async def delete_webhook(state: ApiState, params: Params) -> bool:
    state.webhook_url = ""
    if params.get_bool("drop_pending_updates") and state.updates:
        state.delivered_upto = max(state.delivered_upto, state.updates[-1]["update_id"])
        state.updates.clear()
    return True


async def get_webhook_info(state: ApiState, params: Params) -> JsonDict:
    return {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


def scope_key(state: ApiState, scope: Any) -> str:
    """Canonical text of a BotCommandScope, the key commands are stored under."""
    if scope is None:
        scope = {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise bad_request("unsupported bot command scope type specified")
    canonical: JsonDict = {"type": scope["type"]}
    for field in _SCOPES[scope["type"]]:
        if scope.get(field) in (None, ""):
            raise bad_request(f"{field} is empty")
        value = scope[field]
        if field == "chat_id":
            value = state.resolve_chat(
                int(value) if re.fullmatch(r"-?\d+", str(value)) else str(value)
            ).id
        canonical[field] = int(value)
    return json.dumps(canonical, sort_keys=True)


def _command_key(state: ApiState, params: Params) -> tuple[str, str]:
    scope = scope_key(state, params.get_json("scope"))
    language = params.get_str("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return scope, language


async def set_my_commands(state: ApiState, params: Params) -> bool:
    commands = params.get_json("commands")
    if not isinstance(commands, list):
        raise bad_request("commands is empty" if commands is None else "can't parse commands")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    cleaned: list[JsonDict] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        command = str(item.get("command", ""))
        description = str(item.get("description", ""))
        if not _COMMAND_RE.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command, "description": description})
    state.commands[_command_key(state, params)] = cleaned
    return True


async def get_my_commands(state: ApiState, params: Params) -> list[JsonDict]:
    return list(state.commands.get(_command_key(state, params), []))


async def delete_my_commands(state: ApiState, params: Params) -> bool:
    state.commands.pop(_command_key(state, params), None)
    return True


def _description_methods(field: str, limit: int) -> tuple[Handler, Handler]:
    async def setter(state: ApiState, params: Params) -> bool:
        text = params.get_str(field) or ""
        if len(text) > limit:
            raise bad_request(f"{field} is too long")
        state.descriptions[(field, params.get_str("language_code") or "")] = text
        return True

    async def getter(state: ApiState, params: Params) -> JsonDict:
        language = params.get_str("language_code") or ""
        return {field: state.descriptions.get((field, language), "")}

    return setter, getter


set_my_description, get_my_description = _description_methods("description", 512)
set_my_short_description, get_my_short_description = _description_methods("short_description", 120)


async def get_chat(state: ApiState, params: Params) -> JsonDict:
    return state.resolve_chat(params.chat_id()).to_full_api()


async def get_chat_member(state: ApiState, params: Params) -> JsonDict:
    chat = state.resolve_chat(params.chat_id())
    user_id = params.get_int("user_id", required=True)
    if user_id == state.bot.id:
        status = "member" if chat.user is not None else chat.bot_status
        return chat_member_api(state.bot, status)
    user = state.users.get(user_id) if user_id is not None else None
    if user is None or (chat.user is not None and chat.user.id != user_id):
        raise bad_request("user not found")
    status = "member" if chat.user is not None else chat.members.get(user.id, "left")
    return chat_member_api(user, status)


async def leave_chat(state: ApiState, params: Params) -> bool:
    chat = state.resolve_chat(params.chat_id())
    if chat.user is not None:
        raise bad_request("chat member status can't be changed in private chats")
    state.check_can_send(chat)
    old_status, chat.bot_status = chat.bot_status, "left"
    state.enqueue_update(
        "my_chat_member",
        {
            "chat": chat.to_api(),
            "from": state.bot.to_api(),
            "date": int(time.time()),
            "old_chat_member": chat_member_api(state.bot, old_status),
            "new_chat_member": chat_member_api(state.bot, "left"),
        },
    )
    return True


async def get_file(state: ApiState, params: Params) -> JsonDict:
    stored = state.files.get(params.get_str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


async def log_out(state: ApiState, params: Params) -> bool:
    raise ApiError(400, "Bad Request: logOut and close are not supported by the local API")


METHODS: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": set_my_description,
    "getMyDescription": get_my_description,
    "setMyShortDescription": set_my_short_description,
    "getMyShortDescription": get_my_short_description,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "leaveChat": leave_chat,
    "getFile": get_file,
    "logOut": log_out,
    "close": log_out,
}
