"""The shared part of the drivers: a chat's messages, settling, waiting and pressing.

Settling is a heuristic: after the last update was fetched and the last bot request finished,
``quiet`` seconds must pass without a request. A handler that stays silent longer than that
before its first request (or work scheduled for later, e.g. jobs) is not waited for; use
``wait_for`` for such asynchronous messages.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.localapi.models import (
    Button,
    CallbackAnswer,
    ChatInfo,
    ChatMessage,
    UserInfo,
    chat_member_api,
)
from bot.localapi.state import ApiState, PendingCallback

JsonDict = dict[str, Any]
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,})?")


@dataclass(frozen=True)
class Patience:
    """Whether an action waits for the bot to settle, and how (see :func:`settle`)."""

    wait: bool = True
    quiet: float = 0.2
    timeout: float = 10.0


class LocalApiTimeout(AssertionError):
    """Settling or waiting took too long; the message shows what the chat contains."""


def describe_chat(state: ApiState, chat_id: int, limit: int = 15) -> str:
    lines = []
    for message in state.chat_messages(chat_id)[-limit:]:
        who = "bot" if message.from_bot else message.sender.first_name
        flags = "".join(
            [" (edited)" if message.edited else "", " (deleted)" if message.deleted else ""]
        )
        buttons = [b.text for row in message.buttons for b in row]
        extra = f" buttons={buttons}" if buttons else ""
        lines.append(f"  #{message.message_id} {who}{flags}: {message.text!r}{extra}")
    return "\n".join(lines) or "  (no messages)"


async def settle(state: ApiState, *, quiet: float = 0.2, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Return once every update was fetched, nothing is in flight and ``quiet`` s passed."""
    deadline = time.monotonic() + timeout
    while True:
        now = time.monotonic()
        pending = state.undelivered()
        if any(probe() for probe in state.busy_probes):
            state.last_activity = now  # quiet counts from the moment the bot is idle
        elif not pending and not state.in_flight and now - state.last_activity >= quiet:
            return
        if now >= deadline:
            recent = "\n".join(
                f"  {r.method} chat={r.chat_id} -> {r.status} {r.description or ''}"
                for r in state.log.records[-8:]
            )
            raise LocalApiTimeout(
                f"bot did not settle within {timeout}s: {pending} update(s) not fetched "
                f"(is the bot polling?), {state.in_flight} request(s) in flight.\n"
                f"Recent requests:\n{recent or '  (none)'}"
            )
        await asyncio.sleep(0.01)


def _text_payload(text: str) -> JsonDict:
    payload: JsonDict = {"text": text}
    command = _COMMAND_RE.match(text)
    if command:
        payload["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
    return payload


class ChatView:
    """What one chat shows; the base of the user and group drivers."""

    def __init__(self, state: ApiState, chat: ChatInfo) -> None:
        self.state = state
        self.chat = chat

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat, oldest first, without deleted ones."""
        return [m for m in self.state.chat_messages(self.chat.id) if m.from_bot and not m.deleted]

    @property
    def history(self) -> list[ChatMessage]:
        """All messages of the chat, from users too, deleted ones included."""
        return self.state.chat_messages(self.chat.id)

    @property
    def last(self) -> ChatMessage:
        messages = self.messages
        if not messages:
            raise AssertionError(f"no bot message in chat {self.chat.id}")
        return messages[-1]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.state.callback_answers.get(self.chat.id, [])

    def describe(self) -> str:
        return describe_chat(self.state, self.chat.id)

    def _mark(self) -> int:
        return len(self.state.events.get(self.chat.id, []))

    def _changes(self, mark: int) -> list[ChatMessage]:
        changed: list[ChatMessage] = []
        for message in self.state.events.get(self.chat.id, [])[mark:]:
            if message not in changed:
                changed.append(message)
        return changed

    async def _act(self, kind: str, payload: JsonDict, patience: Patience) -> list[ChatMessage]:
        mark = self._mark()
        self.state.enqueue_update(kind, payload)
        if not patience.wait:
            return []
        await settle(self.state, quiet=patience.quiet, timeout=patience.timeout)
        return self._changes(mark)

    async def wait_for(
        self,
        predicate: Callable[[ChatMessage], bool],
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> ChatMessage:
        """Poll until a bot message of this chat satisfies ``predicate``; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            for message in reversed(self.messages):
                if predicate(message):
                    return message
            if time.monotonic() >= deadline:
                raise LocalApiTimeout(
                    f"no bot message matched within {timeout}s; chat {self.chat.id}:\n"
                    + self.describe()
                )
            await asyncio.sleep(0.02)

    def find_button(self, label: str) -> tuple[ChatMessage, Button]:
        """The newest bot message with a button labelled ``label`` (exact, else contained)."""
        for exact in (True, False):
            for message in reversed(self.messages):
                button = message.find_button(label, exact=exact)
                if button is not None:
                    return message, button
        raise AssertionError(f"no button {label!r} in chat {self.chat.id}:\n{self.describe()}")

    def _user_message(self, user: UserInfo, text: str | None, **extra: Any) -> JsonDict:
        payload = _text_payload(text) if text is not None else {}
        message = self.state.new_message(
            self.chat,
            user,
            text=payload.get("text"),
            entities=payload.get("entities", []),
            extra=extra,
        )
        user.started = True
        return message.to_api()

    async def _callback(
        self, user: UserInfo, message_id: int, data: str, patience: Patience
    ) -> list[ChatMessage]:
        query_id = f"{user.id}{self.state.next_id():06d}"
        self.state.callbacks[query_id] = PendingCallback(self.chat.id, user.id, data)
        message = self.state.get_message(self.chat.id, message_id)
        payload: JsonDict = {
            "id": query_id,
            "from": user.to_api(),
            "chat_instance": str(self.chat.id),
            "data": data,
            "message": message.to_api()
            if message is not None
            else {"chat": self.chat.to_api(), "message_id": message_id, "date": 0},
        }
        return await self._act("callback_query", payload, patience)

    async def _press(self, user: UserInfo, label: str, patience: Patience) -> list[ChatMessage]:
        message, button = self.find_button(label)
        if button.is_url:
            raise AssertionError(f"button {label!r} opens {button.data}; nothing to press")
        return await self._callback(user, message.message_id, button.data, patience)

    def _member_update(self, by: UserInfo, member: UserInfo, old: str, new: str) -> JsonDict:
        return {
            "chat": self.chat.to_api(),
            "from": by.to_api(),
            "date": int(time.time()),
            "old_chat_member": chat_member_api(member, old),
            "new_chat_member": chat_member_api(member, new),
        }
