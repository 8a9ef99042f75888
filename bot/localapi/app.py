"""The Starlette application: routing, token check, faults, logging, activity tracking.

Routes are Telegram's: ``/bot<token>/<method>`` (method names case-insensitive) and
``/file/bot<token>/<file_path>`` for downloads. getUpdates is left out of the in-flight count and
of the "last activity" clock, except when it hands out updates, because an idle long poll is
not work the bot is doing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.localapi import methods_edit, methods_misc, methods_send
from bot.localapi.faults import Fault
from bot.localapi.requestlog import RequestRecord
from bot.localapi.state import ApiState
from bot.localapi.wire import (
    ApiError,
    Params,
    error_response,
    ok_response,
    read_params,
    server_error,
    too_many_requests,
)

logger = logging.getLogger(__name__)

Handler = Callable[[ApiState, Params], Awaitable[Any]]

METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler)
    for table in (methods_send.METHODS, methods_edit.METHODS, methods_misc.METHODS)
    for name, handler in table.items()
}


def _log_chat_id(params: Params) -> int | None:
    try:
        chat_id = params.chat_id()
    except ApiError:
        return None
    return chat_id if isinstance(chat_id, int) else None


async def _apply_fault(state: ApiState, fault: Fault) -> None:
    """Hold the request for the fault's delay, then raise its error (if any)."""
    if fault.delay > 0:
        await state.wait_closing(fault.delay)
    if fault.status == 200:
        return
    if fault.status == 429:
        raise too_many_requests(fault.retry_after or 1)
    raise server_error(fault.status)


async def _handle(state: ApiState, request: Request, canonical: str, handler: Handler) -> Any:
    params = await read_params(request)
    request.state.chat_id = _log_chat_id(params)
    fault = state.faults.take(request.state.chat_id, canonical)
    if fault is not None:
        request.state.injected = True
        await _apply_fault(state, fault)
    return await handler(state, params)


def create_app(state: ApiState) -> Starlette:
    async def api(request: Request) -> Response:
        method = str(request.path_params["method"])
        canonical, handler = METHODS.get(method.lower(), (method, None))
        polling = canonical == "getUpdates"
        started = time.monotonic()
        request.state.chat_id = None
        request.state.injected = False
        if not polling:
            state.in_flight += 1
            state.touch()
        response: JSONResponse
        description: str | None = None
        try:
            if request.path_params["token"] != state.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            response = ok_response(await _handle(state, request, canonical, handler))
        except ApiError as error:
            description = error.description
            response = error_response(error)
        except Exception:
            logger.exception("local Bot API failed on %s", canonical)
            description = "Internal Server Error"
            response = error_response(server_error(500))
        finally:
            if not polling:
                state.in_flight -= 1
                state.touch()
        state.log.add(
            RequestRecord(
                method=canonical,
                chat_id=request.state.chat_id,
                started=started,
                duration=time.monotonic() - started,
                status=response.status_code,
                description=description,
                injected=request.state.injected,
            )
        )
        return response

    async def download(request: Request) -> Response:
        if request.path_params["token"] != state.token:
            return error_response(ApiError(401, "Unauthorized"))
        stored = state.files_by_path.get(str(request.path_params["path"]))
        if stored is None:
            return error_response(ApiError(404, "Not Found"))
        media_type = stored.mime_type or "application/octet-stream"
        return Response(stored.data, media_type=media_type)

    return Starlette(
        routes=[
            Route("/bot{token}/{method}", api, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", download, methods=["GET"]),
        ]
    )
