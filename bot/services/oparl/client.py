"""HTTP for the OParl sync: one httpx client, JSON answers, retries with backoff (tenacity).

5xx answers, timeouts and connection errors are retried with exponential backoff; a request that
hangs is cut off after GREMIENBOT_OPARL_TIMEOUT. When the retries are used up the sync ends with
`ServerDown` (one sentence). 404, `null` and `{}` are "not there" (None): the caller skips and
reports the object.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
from tenacity import (
    AsyncRetrying,
    RetryError,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

USER_AGENT = "gremienbot-oparl-sync"


class ServerDown(Exception):
    """The information system did not answer usefully after the retries."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"The OParl server did not answer {url} ({reason}), even after retries.")
        self.url = url


class _Transient(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class OParlClient:
    """GETs JSON; counts requests (the benchmark and the tests read `requests`)."""

    def __init__(
        self,
        *,
        timeout: float,
        attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.http = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=True,
        )
        self.attempts = attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.requests = 0

    def _retrying(self) -> AsyncRetrying:
        """Transient failures (5xx, 429, timeouts, connection errors) again, with backoff."""
        return AsyncRetrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff, max=self.max_backoff),
            retry=retry_if_exception_type(_Transient),
            reraise=False,
        )

    async def close(self) -> None:
        await self.http.aclose()

    async def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        """The JSON at `url`; None for 404 or an empty answer; ServerDown when it stays down."""
        retrying = self._retrying()
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._once(url, params)
        except RetryError as error:
            last = error.last_attempt.exception()
            reason = last.reason if isinstance(last, _Transient) else str(last)
            raise ServerDown(url, reason) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def get_bytes(self, url: str) -> tuple[bytes, str | None] | None:
        """A file's content and type (for a member's tap), or None."""
        retrying = self._retrying()
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._request(url, None)
                    if response.status_code != 200:
                        return None
                    return response.content, response.headers.get("content-type")
        except RetryError:
            return None
        return None  # pragma: no cover

    async def _request(self, url: str, params: dict[str, str] | None) -> httpx.Response:
        self.requests += 1
        try:
            response = await self.http.get(url, params=params)
        except httpx.TimeoutException:
            raise _Transient("timed out") from None
        except httpx.TransportError as error:
            raise _Transient(f"connection failed: {type(error).__name__}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise _Transient(f"HTTP {response.status_code}")
        return response

    async def _once(self, url: str, params: dict[str, str] | None) -> Any:
        response = await self._request(url, params)
        if response.status_code in (404, 410):
            return None
        if response.status_code >= 400:
            raise ServerDown(url, f"HTTP {response.status_code}")
        try:
            data = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise _Transient("not JSON") from None
        return data if data not in (None, {}) else None
