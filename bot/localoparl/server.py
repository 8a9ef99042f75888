"""``LocalOParl``: an OParl 1.1 server on loopback (Starlette on uvicorn, in the current loop).

    async with LocalOParl() as oparl:
        body = oparl.store.add_body("Landkreis Konstanz")
        sa = oparl.store.add_organization("Sozialausschuss")
        ...  # GREMIENBOT_OPARL_URL = oparl.system_url

Lists are paged (`links.next`), honour `modified_since`/`created_since` (and then include
tombstones), and every quirk of `Quirks` and fault of `Faults` can be switched on per test.
`requests` records every path asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import socket
from collections.abc import Generator
from datetime import datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.localoparl.store import JsonDict, OParlStore

LOCAL = ZoneInfo("Europe/Berlin")
HANG_SECONDS = 3600.0


def _parse_filter(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)


class OParlApp:
    def __init__(self, store: OParlStore) -> None:
        self.store = store
        self.requests: list[str] = []
        self.app = Starlette(routes=[Route("/oparl/v1/{path:path}", self.handle)])

    async def handle(self, request: Request) -> Response:
        store, faults = self.store, self.store.faults
        path = request.path_params["path"]
        self.requests.append(str(request.url))
        selected = not faults.fail_paths or any(part in path for part in faults.fail_paths)
        if faults.down:
            return JSONResponse({"error": "down"}, status_code=503)
        if faults.fail_after is not None and selected:
            if faults.fail_after <= 0:
                return JSONResponse({"error": "down"}, status_code=503)
            faults.fail_after -= 1
        if faults.hang and selected:
            faults.hang -= 1
            await asyncio.sleep(HANG_SECONDS)
        if faults.fail and selected:
            faults.fail -= 1
            return JSONResponse({"error": "injected"}, status_code=faults.status)
        if path == "system":
            return JSONResponse(self.system())
        if path == "bodies":
            return JSONResponse(self.page([self.render(b) for b in store.bodies], request, 1))
        parts = path.split("/")
        if parts[0] == "body" and len(parts) == 2:
            body = next((b for b in store.bodies if b["id"] == store.url(path)), None)
            return JSONResponse(body) if body else JSONResponse({}, status_code=404)
        if parts[0] == "body" and len(parts) == 3:
            kind = {"organizations": "organization", "meetings": "meeting", "papers": "paper"}
            if parts[2] not in kind:
                return JSONResponse(self.page([], request, 1))
            since = _parse_filter(request.query_params.get("modified_since"))
            items = store.listing(kind[parts[2]], since)
            created = _parse_filter(request.query_params.get("created_since"))
            if created is not None:
                items = [i for i in items if datetime.fromisoformat(i["created"]) >= created]
            page = int(request.query_params.get("page", "1"))
            return JSONResponse(self.page([self.render(i) for i in items], request, page))
        if len(parts) == 3 and parts[2] == "download":
            found = store.files.get(store.url("/".join(parts[:2])))
            if found is None:
                return Response(status_code=404)
            return Response(found[1], media_type=found[0])
        obj = store.find(store.url(path))
        return JSONResponse(self.render(obj)) if obj else JSONResponse({}, status_code=404)

    def system(self) -> JsonDict:
        return {
            "id": self.store.url("system"),
            "type": "https://schema.oparl.org/1.1/System",
            "oparlVersion": "https://schema.oparl.org/1.1/",
            "body": self.store.url("bodies"),
            "name": "Lokales Ratsinformationssystem",
        }

    def page(self, items: list[JsonDict], request: Request, page: int) -> JsonDict:
        store, quirks = self.store, self.store.quirks
        size = store.page_size
        first = (page - 1) * size
        chunk = items[first : first + size]
        if quirks.duplicate_across_pages and page > 1 and first - 1 < len(items):
            chunk = [items[first - 1], *chunk]
        params = {k: v for k, v in request.query_params.items() if k != "page"}
        if quirks.drop_filter_in_next:
            params.pop("modified_since", None)
        links: JsonDict = {}
        base = str(request.url).split("?", 1)[0]
        if first + size < len(items):
            links["next"] = f"{base}?{urlencode({**params, 'page': page + 1})}"
        elif quirks.repeat_last_page:
            links["next"] = str(request.url)
        total_pages = max(1, -(-len(items) // size))
        return {
            "data": chunk,
            "pagination": {
                "totalElements": len(items),
                "elementsPerPage": size,
                "currentPage": page,
                "totalPages": total_pages,
            },
            "links": links,
        }

    def render(self, obj: JsonDict) -> JsonDict:
        """The object as the configured quirks would send it."""
        quirks = self.store.quirks
        if obj.get("deleted") and quirks.tombstone_without_type:
            return {"id": obj["id"], "deleted": True}
        if not (quirks.na_strings or quirks.single_object_lists or quirks.naive_datetimes):
            return obj
        out = copy.deepcopy(obj)
        _apply_quirks(out, quirks.na_strings, quirks.single_object_lists, quirks.naive_datetimes)
        return out


def _apply_quirks(obj: Any, na: bool, single: bool, naive: bool) -> None:
    if isinstance(obj, list):
        for item in obj:
            _apply_quirks(item, na, single, naive)
        return
    if not isinstance(obj, dict):
        return
    for key, value in list(obj.items()):
        if single and isinstance(value, list) and len(value) == 1 and key != "agendaItem":
            obj[key] = value = value[0]
        if naive and key in ("start", "end") and isinstance(value, str):
            obj[key] = datetime.fromisoformat(value).astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M:%S")
        _apply_quirks(value, na, single, naive)
    if na and obj.get("type", "").endswith("/Meeting"):
        obj.setdefault("location", "N/A")
        obj.setdefault("meetingState", "")
    if na and obj.get("type", "").endswith("/Paper"):
        obj.setdefault("mainFile", "")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # Ctrl-C belongs to the host program


class LocalOParl:
    """The server on a free loopback port, in the current event loop."""

    def __init__(self, store: OParlStore | None = None) -> None:
        self.store = store or OParlStore()
        self.app = OParlApp(self.store)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        port = self.socket.getsockname()[1]
        self.store.base = f"http://127.0.0.1:{port}/oparl/v1"
        config = uvicorn.Config(self.app.app, log_level="warning", lifespan="off")
        self.server = _Server(config)
        self.task: asyncio.Task[None] | None = None

    @property
    def system_url(self) -> str:
        return self.store.url("system")

    @property
    def requests(self) -> list[str]:
        return self.app.requests

    async def __aenter__(self) -> LocalOParl:
        self.task = asyncio.create_task(self.server.serve(sockets=[self.socket]))
        async with asyncio.timeout(10):
            while not self.server.started:  # noqa: ASYNC110 (uvicorn has no event for it)
                await asyncio.sleep(0.01)
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.server.should_exit = True
        self.server.force_exit = True  # hanging requests (injected) are not waited for
        if self.task is not None:
            async with asyncio.timeout(10):
                await self.task
        self.socket.close()
