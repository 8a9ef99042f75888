"""Webhook delivery of the local Bot API server: what Telegram does after `setWebhook`.

Once the bot has set a webhook, each update is POSTed as JSON to the webhook URL with the
`X-Telegram-Bot-Api-Secret-Token` header (when a secret was set), one at a time in update
order, and retried until the bot answers 2xx. `LocalBotApi.balance_webhook([...])` spreads
the updates over several bot instances, round robin, as a reverse proxy in front of them
would; a backend that refuses the connection or answers 5xx is skipped for the next one.

Only loopback addresses are ever called (127.0.0.0/8, localhost, [::1]); a webhook URL
elsewhere (e.g. https://bot.example.org in a test) is stored as before and not called.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx

if TYPE_CHECKING:
    from bot.localapi.state import ApiState

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
RETRY_PAUSE = 0.2


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "localhost" or host == "::1" or host.startswith("127.")


class WebhookPusher:
    """Delivers the server's queued updates to the webhook while one is set."""

    def __init__(self, state: ApiState) -> None:
        self.state = state
        self.backends: list[str] = []  # "http://127.0.0.1:PORT" each; empty: the URL's own
        self.delivered: list[tuple[int, str]] = []  # (update id, backend) for tests
        self._turn = itertools.count()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=10)
        self._task = asyncio.create_task(self._run(), name="local-api-webhooks")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _targets(self, url: str) -> list[str]:
        if not self.backends:
            return [url]
        parts = urlsplit(url)
        urls = []
        for backend in self.backends:
            base = urlsplit(backend)
            urls.append(urlunsplit((base.scheme, base.netloc, parts.path, parts.query, "")))
        start = next(self._turn) % len(urls)
        return urls[start:] + urls[:start]

    def _pending(self) -> list[dict[str, Any]]:
        state = self.state
        return [u for u in state.updates if state.is_allowed(u)]

    async def _run(self) -> None:
        state = self.state
        while not state.closing:
            url = state.webhook_url
            pending = self._pending() if url and is_loopback(url) else []
            if not pending:
                wakeup = state.wakeup_event
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wakeup.wait(), 0.5)
                continue
            update = pending[0]
            if await self._push(url, update):
                state.updates = [u for u in state.updates if u is not update]
                state.delivered_upto = max(state.delivered_upto, update["update_id"])
                state.touch()
            else:
                await asyncio.sleep(RETRY_PAUSE)

    async def _push(self, url: str, update: dict[str, Any]) -> bool:
        assert self._client is not None
        headers = {SECRET_HEADER: self.state.webhook_secret} if self.state.webhook_secret else {}
        for target in self._targets(url):
            if not is_loopback(target):
                continue
            self.state.in_flight += 1
            try:
                response = await self._client.post(target, json=update, headers=headers)
            except httpx.HTTPError:
                continue  # as a proxy would: the next backend
            finally:
                self.state.in_flight -= 1
            if response.is_success:
                self.delivered.append((update["update_id"], target))
                return True
            if response.status_code < 500:
                log.warning("webhook %s answered %s", target, response.status_code)
        return False
