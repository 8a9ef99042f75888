"""Everything the local Bot API server knows: chats, messages, files, the update queue.

Updates are kept until the bot confirms them with a higher ``offset``, exactly like Telegram, so
an update handed to a client that went away is delivered again. ``delivered_upto`` remembers the
highest update_id handed out at least once, which is what settling waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.localapi.faults import FaultInjector
from bot.localapi.limits import RateLimiter, RateLimits
from bot.localapi.models import CallbackAnswer, ChatInfo, ChatMessage, StoredFile, UserInfo
from bot.localapi.requestlog import RequestLog
from bot.localapi.wire import ApiError, bad_request, forbidden, too_many_requests

JsonDict = dict[str, Any]

# Telegram's default when allowed_updates was never given (or given as an empty list)
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class PendingCallback:
    """A callback query the bot has not answered yet."""

    chat_id: int
    user_id: int
    data: str | None


class ApiState:
    """The server's data; the HTTP layer and the driver both work on one instance."""

    def __init__(
        self, *, token: str, bot: UserInfo, limits: RateLimits, strict_ampersand: bool
    ) -> None:
        self.token = token
        self.bot = bot
        self.strict_ampersand = strict_ampersand
        self.limiter = RateLimiter(limits)
        self.faults = FaultInjector()
        self.log = RequestLog()
        self.users: dict[int, UserInfo] = {}
        self.chats: dict[int, ChatInfo] = {}
        self.messages: dict[int, dict[int, ChatMessage]] = {}
        self.events: dict[int, list[ChatMessage]] = {}  # bot-side changes per chat
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, PendingCallback] = {}
        self.callback_answers: dict[int, list[CallbackAnswer]] = {}
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self.updates: list[JsonDict] = []
        self.allowed_updates: frozenset[str] | None = None
        self.delivered_upto = 0
        self.poll_generation = 0
        self.closing = False
        self.in_flight = 0
        self.last_activity = time.monotonic()
        # Callables that say "the bot is still working" (e.g. a handler is running), for an
        # in-process bot whose work between requests settling could not see otherwise.
        self.busy_probes: list[Callable[[], bool]] = []
        self._ids = itertools.count(1)
        self._next_update_id = 1
        self._next_message_id: dict[int, int] = {}
        self._wakeup = asyncio.Event()
        self._closed = asyncio.Event()

    # -- chats and users -------------------------------------------------------------------

    def add_user(self, user: UserInfo) -> ChatInfo:
        self.users[user.id] = user
        chat = ChatInfo(id=user.id, type="private", user=user)
        self.chats.setdefault(user.id, chat)
        return self.chats[user.id]

    def add_group(self, chat_id: int, title: str, chat_type: str | None = None) -> ChatInfo:
        if chat_type is None:
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = ChatInfo(id=chat_id, type=chat_type, title=title, bot_status="left")
        self.chats[chat_id] = chat
        return chat

    def resolve_chat(self, chat_id: int | str) -> ChatInfo:
        if isinstance(chat_id, str):
            wanted = chat_id.removeprefix("@").lower()
            for chat in self.chats.values():
                user = chat.user
                if user is not None and (user.username or "").lower() == wanted:
                    return chat
            raise bad_request("chat not found")
        found = self.chats.get(chat_id)
        if found is None:
            raise bad_request("chat not found")
        return found

    def check_can_send(self, chat: ChatInfo) -> None:
        """Raise the 403 Telegram gives when the bot may not write to ``chat``."""
        user = chat.user
        if user is not None:
            if user.deactivated:
                raise forbidden("user is deactivated")
            if user.blocked:
                raise forbidden("bot was blocked by the user")
            if not user.started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        kind = "supergroup" if chat.type == "supergroup" else "group"
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {kind} chat")
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {kind} chat")

    def admit_send(self, chat: ChatInfo) -> None:
        """Apply the flood limits to one send to ``chat``."""
        retry_after = self.limiter.acquire(chat.id, chat.type != "private")
        if retry_after:
            raise too_many_requests(retry_after)

    # -- messages --------------------------------------------------------------------------

    def new_message(self, chat: ChatInfo, sender: UserInfo, **fields: Any) -> ChatMessage:
        message_id = self._next_message_id.get(chat.id, 1)
        self._next_message_id[chat.id] = message_id + 1
        message = ChatMessage(
            message_id=message_id, chat=chat, date=int(time.time()), sender=sender, **fields
        )
        self.messages.setdefault(chat.id, {})[message_id] = message
        if sender.is_bot:
            self.record_event(message)
        return message

    def get_message(self, chat_id: int, message_id: int | None) -> ChatMessage | None:
        if message_id is None:
            return None
        message = self.messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def record_event(self, message: ChatMessage) -> None:
        self.events.setdefault(message.chat.id, []).append(message)

    def chat_messages(self, chat_id: int) -> list[ChatMessage]:
        return list(self.messages.get(chat_id, {}).values())

    # -- files -----------------------------------------------------------------------------

    def store_file(
        self, data: bytes, filename: str | None, mime_type: str | None, kind: str
    ) -> StoredFile:
        number = next(self._ids)
        if mime_type in (None, "", "application/octet-stream") and filename:
            mime_type = mimetypes.guess_type(filename)[0] or mime_type
        suffix = (filename or "").rpartition(".")[2] if filename and "." in filename else "bin"
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(
            file_id=f"local-{kind}-{number:06d}",
            file_unique_id=f"u{number:06d}",
            filename=filename,
            mime_type=mime_type or None,
            data=data,
            file_path=f"{folder}/file_{number}.{suffix}",
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def next_id(self) -> int:
        return next(self._ids)

    # -- updates ---------------------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: JsonDict) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self.updates.append({"update_id": update_id, kind: payload})
        self.touch()
        self.notify()
        return update_id

    def undelivered(self) -> int:
        return sum(1 for u in self.updates if u["update_id"] > self.delivered_upto)

    def open(self) -> None:
        self.closing = False
        self._closed = asyncio.Event()

    def close(self) -> None:
        """Release long polls and injected hangs so the server can shut down."""
        self.closing = True
        self._closed.set()
        self.notify()

    async def wait_closing(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if the server shuts down meanwhile."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), seconds)

    def notify(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def touch(self) -> None:
        self.last_activity = time.monotonic()

    @property
    def wakeup_event(self) -> asyncio.Event:
        """Set at the next change (a new update, a webhook set, closing)."""
        return self._wakeup

    def is_allowed(self, update: JsonDict) -> bool:
        return self._allowed(update)

    def _allowed(self, update: JsonDict) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self.allowed_updates is None:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in self.allowed_updates

    async def poll_updates(self, offset: int | None, limit: int, wait: float) -> list[JsonDict]:
        """getUpdates: confirm below ``offset``, then wait up to ``wait`` seconds for updates."""
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if offset is not None and offset < 0:
            self.updates = self.updates[offset:]
        elif offset is not None:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        self.poll_generation += 1
        generation = self.poll_generation
        self.notify()  # wakes an older long poll, which then ends with 409
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            # Telegram drops updates of types the bot did not ask for
            self.updates = [u for u in self.updates if self._allowed(u)]
            batch = self.updates[: max(1, min(limit, 100))]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self.closing:
                if batch:
                    self.delivered_upto = max(self.delivered_upto, batch[-1]["update_id"])
                    self.touch()
                return batch
            if generation != self.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            wakeup = self._wakeup
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), remaining)
