"""Calendar feeds (DESIGN section 7): public and personal iCalendar feeds, feed secrets, and
the single-event .ics file. Telegram-free; `bot/feeds.py` serves them over HTTP."""

from bot.services.calendar.cache import Feed, FeedCache, Validators
from bot.services.calendar.feeds import (
    cached_validators,
    committee_feed,
    meeting_ics,
    member_by_secret,
    personal_feed,
    public_feed,
)
from bot.services.calendar.render import (
    RenderOptions,
    meeting_link,
    meeting_uid,
    render_personal_calendar,
    render_public_calendar,
    render_single_event,
)
from bot.services.calendar.secrets import (
    committee_feed_url,
    issue_calendar_secret,
    personal_feed_urls,
    public_feed_url,
    revoke_calendar_secret,
    webcal_url,
)
from bot.services.calendar.timezone import classic_vtimezone

__all__ = [
    "Feed",
    "FeedCache",
    "RenderOptions",
    "Validators",
    "cached_validators",
    "classic_vtimezone",
    "committee_feed",
    "committee_feed_url",
    "issue_calendar_secret",
    "meeting_ics",
    "meeting_link",
    "meeting_uid",
    "member_by_secret",
    "personal_feed",
    "personal_feed_urls",
    "public_feed",
    "public_feed_url",
    "render_personal_calendar",
    "render_public_calendar",
    "render_single_event",
    "revoke_calendar_secret",
    "webcal_url",
]
