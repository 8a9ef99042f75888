"""Users, chats, files and messages of the local Bot API, and their Telegram JSON form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

JsonDict = dict[str, Any]


@dataclass
class UserInfo:
    """A Telegram user (or the bot itself)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False
    blocked: bool = False  # the user blocked the bot
    deactivated: bool = False  # the account was deleted
    started: bool = True  # False: the user never wrote to the bot, so it may not write first

    def to_api(self) -> JsonDict:
        data: JsonDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class ChatInfo:
    """A private chat (``user`` set) or a group; groups track member statuses."""

    id: int
    type: str  # private, group or supergroup
    title: str | None = None
    user: UserInfo | None = None
    bot_status: str = "member"  # the bot's own status: member, administrator, left, kicked
    members: dict[int, str] = field(default_factory=dict)  # user id -> status

    def to_api(self) -> JsonDict:
        if self.user is not None:
            data = {"id": self.id, "type": "private", "first_name": self.user.first_name}
            if self.user.last_name:
                data["last_name"] = self.user.last_name
            if self.user.username:
                data["username"] = self.user.username
            return data
        return {"id": self.id, "type": self.type, "title": self.title or ""}

    def to_full_api(self) -> JsonDict:
        """The ``ChatFullInfo`` of getChat, with the fields PTB requires."""
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **self.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }


@dataclass
class StoredFile:
    """A document or photo known to the server, downloadable under ``file_path``."""

    file_id: str
    file_unique_id: str
    filename: str | None
    mime_type: str | None
    data: bytes
    file_path: str

    def document_api(self) -> JsonDict:
        data: JsonDict = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.filename:
            data["file_name"] = self.filename
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data

    def photo_api(self) -> list[JsonDict]:
        # Images are not decoded: one PhotoSize without real dimensions is enough for bots
        size = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        return [{**size, "width": 0, "height": 0, "file_size": len(self.data)}]


class Button(tuple[str, str]):
    """An inline button as a ``(text, data)`` pair; ``data`` is its callback_data or its url.

    ``is_url`` tells link buttons apart; it does not take part in comparisons, so a test can
    write ``assert msg.buttons == [[("Zusage", "rsvp:1:yes")]]``.
    """

    is_url: bool

    def __new__(cls, text: str, data: str, is_url: bool = False) -> Button:
        self = super().__new__(cls, (text, data))
        self.is_url = is_url
        return self

    @property
    def text(self) -> str:
        return self[0]

    @property
    def data(self) -> str:
        return self[1]


class Document(NamedTuple):
    filename: str
    data: bytes


class CallbackAnswer(NamedTuple):
    """What the bot answered to a pressed button (answerCallbackQuery)."""

    text: str | None
    show_alert: bool
    url: str | None = None
    data: str | None = None  # the callback_data of the pressed button


@dataclass(frozen=True)
class Revision:
    """An earlier version of an edited message."""

    text: str | None
    html: str | None
    reply_markup: JsonDict | None


@dataclass(eq=False)
class ChatMessage:
    """A message in a chat, sent by the bot or by a (driven) user.

    ``text`` is plain text after entity parsing (for media: the caption); ``html`` is what the
    bot sent, with markup, when it used parse_mode HTML.
    """

    message_id: int
    chat: ChatInfo
    date: int
    sender: UserInfo
    text: str | None = None
    html: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None
    file: StoredFile | None = None
    media_kind: str | None = None  # "document" or "photo"
    disable_notification: bool = False
    reply_to: ChatMessage | None = None
    link_preview_options: JsonDict | None = None
    forward_origin: JsonDict | None = None
    extra: JsonDict = field(default_factory=dict)  # service fields, e.g. new_chat_members
    revisions: list[Revision] = field(default_factory=list)
    edit_date: int | None = None
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        return self.sender.is_bot

    @property
    def edited(self) -> bool:
        return bool(self.revisions)

    @property
    def caption(self) -> str | None:
        return self.text if self.media_kind else None

    @property
    def buttons(self) -> list[list[Button]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[_button(b) for b in row] for row in rows]

    @property
    def document(self) -> Document | None:
        if self.file is None or self.media_kind != "document":
            return None
        return Document(self.file.filename or "", self.file.data)

    def find_button(self, label: str, *, exact: bool = True) -> Button | None:
        for row in self.buttons:
            for button in row:
                if button.text == label or (not exact and label in button.text):
                    return button
        return None

    def to_api(self, *, with_reply: bool = True) -> JsonDict:
        data: JsonDict = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        text_key, entities_key = (
            ("caption", "caption_entities") if self.media_kind else ("text", "entities")
        )
        if self.text is not None:
            data[text_key] = self.text
            if self.entities:
                data[entities_key] = self.entities
        if self.file is not None and self.media_kind == "document":
            data["document"] = self.file.document_api()
        elif self.file is not None and self.media_kind == "photo":
            data["photo"] = self.file.photo_api()
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup  # Telegram echoes inline keyboards only
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.reply_to is not None and with_reply:
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.link_preview_options:
            data["link_preview_options"] = self.link_preview_options
        if self.forward_origin:
            data["forward_origin"] = self.forward_origin
        data.update(self.extra)
        return data

    def __repr__(self) -> str:
        flags = " edited" if self.edited else ""
        return f"<ChatMessage #{self.message_id}{flags} {self.text!r} buttons={self.buttons}>"


def _button(raw: JsonDict) -> Button:
    if "url" in raw:
        return Button(str(raw.get("text", "")), str(raw["url"]), True)
    return Button(str(raw.get("text", "")), str(raw.get("callback_data", "")))


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}


def chat_member_api(user: UserInfo, status: str) -> JsonDict:
    """A ``ChatMember`` object with the fields its status requires."""
    data: JsonDict = {"status": status, "user": user.to_api()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(_ADMIN_RIGHTS)
    elif status == "kicked":
        data["until_date"] = 0
    return data
