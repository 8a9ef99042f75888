"""A local Telegram Bot API server for tests, the demo and benchmarks.

It speaks the real wire format over HTTP on 127.0.0.1, so the real python-telegram-bot
``Application`` runs against it unchanged, and it lets a test act as Telegram users.
See :class:`LocalBotApi`.
"""

from bot.localapi.chatview import ChatView, LocalApiTimeout, settle
from bot.localapi.driver import GroupDriver, UserDriver
from bot.localapi.faults import Fault
from bot.localapi.html_entities import HtmlParseError, ParsedText, parse_html, utf16_len
from bot.localapi.limits import RateLimits
from bot.localapi.models import Button, CallbackAnswer, ChatMessage, Document, StoredFile, UserInfo
from bot.localapi.render import numbered_buttons, render
from bot.localapi.requestlog import RequestLog, RequestRecord
from bot.localapi.server import LocalBotApi

__all__ = [
    "Button",
    "CallbackAnswer",
    "ChatMessage",
    "ChatView",
    "Document",
    "Fault",
    "GroupDriver",
    "HtmlParseError",
    "LocalApiTimeout",
    "LocalBotApi",
    "ParsedText",
    "RateLimits",
    "RequestLog",
    "RequestRecord",
    "StoredFile",
    "UserDriver",
    "UserInfo",
    "numbered_buttons",
    "parse_html",
    "render",
    "settle",
    "utf16_len",
]
