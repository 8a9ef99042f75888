"""``LocalBotApi``: a Telegram Bot API server on loopback, run in the current event loop.

    async with LocalBotApi() as api:
        app = Application.builder().token(api.token).base_url(api.base_url)
              .base_file_url(api.base_file_url).build()
        alice = api.user(1001, "Alice")
        replies = await alice.send("/start")

uvicorn serves on 127.0.0.1 with a socket bound to port 0, so parallel test runs never collide.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Generator, Iterable
from types import TracebackType
from typing import Any

import uvicorn

from bot.localapi.app import create_app
from bot.localapi.chatview import settle
from bot.localapi.driver import GroupDriver, UserDriver
from bot.localapi.faults import Fault
from bot.localapi.limits import RateLimits
from bot.localapi.methods_misc import scope_key
from bot.localapi.models import ChatMessage, StoredFile, UserInfo
from bot.localapi.requestlog import RequestLog
from bot.localapi.state import ApiState
from bot.localapi.webhooks import WebhookPusher

JsonDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAlocal-test-token-for-gremienbot"


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.exit_requested = asyncio.Event()

    async def main_loop(self) -> None:
        # uvicorn's loop, but woken at once by stop() instead of polling every 0.1 s:
        # that halves the time each test spends tearing the server down
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.exit_requested.wait(), 0.1)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # Ctrl-C belongs to the host program (pytest, the demo), not to this embedded server
        yield


class LocalBotApi:
    """The local Bot API server plus the handles tests and the demo use to drive it."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_id: int | None = None,
        username: str = "gremienbot_test_bot",
        first_name: str = "Gremienbot",
        limits: RateLimits | None = None,
        strict_ampersand: bool = True,
    ) -> None:
        if bot_id is None:  # like Telegram: the id is the token's number part
            prefix = token.split(":", 1)[0]
            bot_id = int(prefix) if prefix.isdigit() else 1
        bot = UserInfo(id=bot_id, first_name=first_name, username=username, is_bot=True)
        self.state = ApiState(
            token=token,
            bot=bot,
            limits=limits or RateLimits(),
            strict_ampersand=strict_ampersand,
        )
        self._server: _Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._port: int | None = None
        self.webhooks = WebhookPusher(self.state)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("LocalBotApi is already running")
        # IPPROTO_TCP explicitly: with proto 0 asyncio skips TCP_NODELAY on accepted
        # connections and every response stalls ~40 ms (Nagle vs. delayed ACK)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = int(sock.getsockname()[1])
        config = uvicorn.Config(
            create_app(self.state),
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        self.state.open()
        self._server = _Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._task.done():
                await self._task  # surfaces the startup error
                raise RuntimeError("local Bot API server did not start")
            await asyncio.sleep(0.005)
        self.webhooks.start()

    async def stop(self) -> None:
        if self._server is None or self._task is None:
            return
        self.state.close()  # ends waiting long polls so connections can close
        await self.webhooks.stop()
        self._server.should_exit = True
        self._server.exit_requested.set()
        try:
            await self._task
        finally:
            self._server = None
            self._task = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- addresses and identity ------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("LocalBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url``: the token is appended by PTB."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def bot(self) -> UserInfo:
        return self.state.bot

    @property
    def bot_username(self) -> str:
        return self.state.bot.username or ""

    # -- limits, faults, log ---------------------------------------------------------------

    @property
    def limits(self) -> RateLimits:
        """The live limits; change fields at any time (``api.limits.enabled = False``)."""
        return self.state.limiter.limits

    @limits.setter
    def limits(self, limits: RateLimits) -> None:
        self.state.limiter.limits = limits
        self.state.limiter.reset()

    def reset_limits(self) -> None:
        """Refill every bucket, e.g. between benchmark phases."""
        self.state.limiter.reset()

    @property
    def log(self) -> RequestLog:
        return self.state.log

    def inject(self, chat_id: int, *faults: Fault, methods: Iterable[str] | None = None) -> None:
        """Queue ``faults`` for the next sends to ``chat_id``, one per request, in order."""
        self.state.faults.inject(chat_id, *faults, methods=methods)

    def inject_random(
        self,
        fraction: float,
        *faults: Fault,
        seed: int = 0,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Give every send a ``fraction`` chance of one of ``faults`` (seeded, repeatable)."""
        self.state.faults.inject_random(fraction, *faults, seed=seed, methods=methods)

    def clear_faults(self) -> None:
        self.state.faults.clear()

    # -- driving ---------------------------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "de",
        *,
        started: bool = True,
    ) -> UserDriver:
        """A user with a private chat. ``started=False``: the user never wrote to the bot yet,
        so the bot gets 403 "bot can't initiate conversation" until the user sends something."""
        info = self.state.users.get(user_id)
        if info is None:
            info = UserInfo(user_id, first_name, last_name, username, language_code)
            info.started = started
        self.state.add_user(info)
        return UserDriver(self.state, info)

    def group(self, chat_id: int, title: str, chat_type: str | None = None) -> GroupDriver:
        """A group the bot is not yet a member of; ``add_bot`` adds it."""
        chat = self.state.chats.get(chat_id) or self.state.add_group(chat_id, title, chat_type)
        return GroupDriver(self.state, chat)

    async def settle(self, quiet: float = 0.2, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until all updates were fetched, no request is in flight, and ``quiet`` passed."""
        await settle(self.state, quiet=quiet, timeout=timeout)

    def commands(self, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        """The command list the bot set for ``scope`` (Telegram JSON) and language."""
        key = (scope_key(self.state, scope), language_code)
        return list(self.state.commands.get(key, []))

    def description(self, language_code: str = "", *, short: bool = False) -> str:
        field = "short_description" if short else "description"
        return self.state.descriptions.get((field, language_code), "")

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """Every message of a chat (user and bot), deleted ones included."""
        return self.state.chat_messages(chat_id)

    def file(self, file_id: str) -> StoredFile:
        return self.state.files[file_id]

    @property
    def webhook_url(self) -> str:
        return self.state.webhook_url

    def balance_webhook(self, backends: list[str]) -> None:
        """Spread webhook updates over these bot instances ("http://127.0.0.1:PORT"),
        round robin, as a reverse proxy would; an empty list: the webhook URL itself."""
        self.webhooks.backends = list(backends)
        self.state.notify()
