"""Acting as Telegram users: send messages, press buttons, and wait for the bot to settle.

Every action enqueues a real Update that the bot fetches with getUpdates. By default an action
then waits until the bot has *settled* (see :func:`bot.localapi.chatview.settle`) and returns
the bot messages that appeared or changed in that chat since the action: new ones, edited ones
and deleted ones (with ``deleted=True``), each once, in order of first change.
"""

from __future__ import annotations

from bot.localapi.chatview import ChatView, Patience
from bot.localapi.models import ChatMessage, UserInfo
from bot.localapi.state import ApiState


class UserDriver(ChatView):
    """A Telegram user in their private chat with the bot."""

    def __init__(self, state: ApiState, info: UserInfo) -> None:
        super().__init__(state, state.chats[info.id])
        self.info = info

    @property
    def id(self) -> int:
        return self.info.id

    async def send(
        self,
        text: str,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        """Send ``text`` (a leading /command gets its bot_command entity)."""
        payload = self._user_message(self.info, text)
        return await self._act("message", payload, Patience(wait, quiet, timeout))

    async def reply(
        self,
        message: ChatMessage | int,
        text: str,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        """Send ``text`` as a reply to one of the bot's messages."""
        target_id = message if isinstance(message, int) else message.message_id
        target = self.state.get_message(self.chat.id, target_id)
        if target is None:
            raise AssertionError(f"no message #{target_id} in chat {self.chat.id}")
        payload = self._user_message(self.info, text)
        payload["reply_to_message"] = target.to_api(with_reply=False)
        self.state.messages[self.chat.id][payload["message_id"]].reply_to = target
        return await self._act("message", payload, Patience(wait, quiet, timeout))

    async def send_document(
        self,
        filename: str,
        data: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        """Upload a document the bot can fetch with getFile and download."""
        stored = self.state.store_file(data, filename, mime_type, "document")
        message = self.state.new_message(
            self.chat, self.info, text=caption, file=stored, media_kind="document"
        )
        self.info.started = True
        return await self._act("message", message.to_api(), Patience(wait, quiet, timeout))

    async def press(
        self,
        label: str,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        """Press the newest button labelled ``label`` (exact match first, then substring)."""
        return await self._press(self.info, label, Patience(wait, quiet, timeout))

    async def press_data(
        self,
        message_id: int,
        callback_data: str,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        """Send any callback_data, as a forged or outdated button press would."""
        return await self._callback(
            self.info, message_id, callback_data, Patience(wait, quiet, timeout)
        )

    def block(self) -> None:
        """Block the bot: sends fail with 403 and a my_chat_member update (kicked) arrives."""
        if not self.info.blocked:
            self.info.blocked = True
            update = self._member_update(self.info, self.state.bot, "member", "kicked")
            self.state.enqueue_update("my_chat_member", update)

    def unblock(self) -> None:
        if self.info.blocked:
            self.info.blocked = False
            update = self._member_update(self.info, self.state.bot, "kicked", "member")
            self.state.enqueue_update("my_chat_member", update)

    def deactivate(self) -> None:
        """Delete the account: sends fail with 403 "user is deactivated"."""
        self.info.deactivated = True


class GroupDriver(ChatView):
    """A group chat with several driven users."""

    @property
    def title(self) -> str:
        return self.chat.title or ""

    @property
    def bot_status(self) -> str:
        return self.chat.bot_status

    @property
    def bot_left(self) -> bool:
        return self.chat.bot_status in ("left", "kicked")

    def add_user(self, user: UserDriver, status: str = "member") -> None:
        """Make ``user`` a member (or ``administrator``/``creator``) of the group."""
        self.chat.members[user.id] = status
        self.state.users.setdefault(user.id, user.info)

    async def add_bot(
        self,
        by: UserDriver,
        *,
        by_status: str | None = None,
        as_admin: bool = False,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        """``by`` adds the bot: a my_chat_member update, then the new_chat_members message.

        ``by`` joins with ``by_status`` (default: kept if already a member, else "member").
        """
        if by_status is not None or by.id not in self.chat.members:
            self.add_user(by, by_status or "member")
        old, self.chat.bot_status = self.chat.bot_status, "administrator" if as_admin else "member"
        update = self._member_update(by.info, self.state.bot, old, self.chat.bot_status)
        self.state.enqueue_update("my_chat_member", update)
        payload = self._user_message(by.info, None, new_chat_members=[self.state.bot.to_api()])
        return await self._act("message", payload, Patience(wait, quiet, timeout))

    async def remove_bot(
        self,
        by: UserDriver,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        old, self.chat.bot_status = self.chat.bot_status, "kicked"
        update = self._member_update(by.info, self.state.bot, old, "kicked")
        return await self._act("my_chat_member", update, Patience(wait, quiet, timeout))

    async def send(
        self,
        user: UserDriver,
        text: str,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        """``user`` writes ``text`` in the group (joining it as a member if needed)."""
        if user.id not in self.chat.members:
            self.add_user(user)
        payload = self._user_message(user.info, text)
        return await self._act("message", payload, Patience(wait, quiet, timeout))

    async def press(
        self,
        user: UserDriver,
        label: str,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        return await self._press(user.info, label, Patience(wait, quiet, timeout))

    async def press_data(
        self,
        user: UserDriver,
        message_id: int,
        callback_data: str,
        *,
        wait: bool = True,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[ChatMessage]:
        return await self._callback(
            user.info, message_id, callback_data, Patience(wait, quiet, timeout)
        )
