"""HTTP routes of the calendar feeds (Starlette), mounted by `bot.web.create_web_app`.

    GET /calendar/public.ics       public sessions of all committees
    GET /calendar/<committee>.ics  one committee's public sessions
    GET /calendar/<secret>.ics     a member's personal feed

Unknown committee, unknown/rotated/revoked secret and ended membership all get the same
plain 404. Conditional requests: If-None-Match (weak comparison, as RFC 9110 asks) decides
when present; only without it does If-Modified-Since count. A wrong 304 freezes Apple
Calendar, so the ETag is the hash of the body that would be sent now.

Nothing here logs: a personal feed's path is its secret.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.metrics import FEED_REQUESTS
from bot.runtime import BotApplication, Runtime
from bot.services.calendar import (
    Feed,
    FeedCache,
    Validators,
    cached_validators,
    committee_feed,
    personal_feed,
    public_feed,
)

MEDIA_TYPE = "text/calendar; charset=utf-8"
# Clients poll hourly (REFRESH-INTERVAL); "no-cache" makes every poll a cheap revalidation
# instead of trusting a stored copy. A personal feed must never sit in a shared cache.
PUBLIC_CACHE = "public, no-cache"
PERSONAL_CACHE = "private, no-cache"


def bot_username(application: BotApplication) -> str | None:
    """The running bot's @username, or None before it has been initialized."""
    try:
        username: str | None = application.bot.username
    except RuntimeError:
        return None
    return username


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _settled(last_modified: datetime | None, now: datetime) -> datetime | None:
    """Last-Modified at HTTP's one-second precision, or None while that second still runs.

    A change later in the current second would carry the same HTTP date, and a client that
    revalidates by date would wrongly get 304; so dates are used only once their second
    has passed (RFC 9110 calls a validator from the current second weak).
    """
    if last_modified is None:
        return None
    stamp = last_modified.astimezone(UTC).replace(microsecond=0)
    return stamp if stamp < now.replace(microsecond=0) else None


def _unchanged_since(header: str, last_modified: datetime | None, now: datetime) -> bool:
    stamp = _settled(last_modified, now)
    if stamp is None:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False  # an unreadable date: send the feed
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    if since > now:
        return False  # a date in the future is invalid (RFC 9110)
    return stamp <= since


def is_not_modified(request: Request, feed: Feed | Validators, now: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, feed.etag)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is not None:
        return _unchanged_since(if_modified_since, feed.last_modified, now)
    return False


def _conditional(request: Request) -> bool:
    return "if-none-match" in request.headers or "if-modified-since" in request.headers


def feed_response(request: Request, feed: Feed | Validators) -> Response:
    """304 when the client's copy is current, else the feed (a Feed: Validators only come
    here when they already decided 304)."""
    now = datetime.now(UTC)
    headers = {
        "ETag": feed.etag,
        "Cache-Control": PERSONAL_CACHE if feed.personal else PUBLIC_CACHE,
    }
    last_modified = _settled(feed.last_modified, now)
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified, usegmt=True)
    if is_not_modified(request, feed, now):
        FEED_REQUESTS.labels(result="304").inc()
        return Response(status_code=304, headers=headers)
    assert isinstance(feed, Feed)
    FEED_REQUESTS.labels(result="200").inc()
    return Response(feed.body, media_type=MEDIA_TYPE, headers=headers)


def feed_routes(runtime: Runtime, username: Callable[[], str | None]) -> list[Route]:
    """The feed routes; `username` gives the bot's @username for the deep links."""
    settings = runtime.settings
    cache = FeedCache()

    async def revalidated(request: Request, name: str | None) -> Response | None:
        """A 304 decided from the cached validators and the change counters (no rendering),
        or None when the feed has to be built."""
        if not _conditional(request):
            return None
        async with runtime.sessions() as session:
            validators = await cached_validators(
                session, settings=settings, name=name, bot_username=username(), cache=cache
            )
        if validators is None or not is_not_modified(request, validators, datetime.now(UTC)):
            return None
        return feed_response(request, validators)

    async def public(request: Request) -> Response:
        if (response := await revalidated(request, None)) is not None:
            return response
        async with runtime.sessions() as session:
            feed = await public_feed(
                session, settings=settings, bot_username=username(), cache=cache
            )
        return feed_response(request, feed)

    async def named(request: Request) -> Response:
        name = request.path_params["name"]
        if (response := await revalidated(request, name)) is not None:
            return response
        async with runtime.sessions() as session:
            feed = await committee_feed(
                session, settings=settings, key=name, bot_username=username(), cache=cache
            )
            if feed is None:
                feed = await personal_feed(
                    session, settings=settings, secret=name, bot_username=username(), cache=cache
                )
        if feed is None:
            FEED_REQUESTS.labels(result="404").inc()
            return Response("Not Found", status_code=404, media_type="text/plain")
        return feed_response(request, feed)

    return [
        Route("/calendar/public.ics", public, methods=["GET"]),
        Route("/calendar/{name}.ics", named, methods=["GET"]),
    ]
