"""/termine: upcoming (or past) meetings, paged, each two taps from its agenda.

Also the meeting view itself (button `mtg:show:<id>`, deep link `?start=m<id>`), and
/meine_termine: the upcoming meetings that ask for an answer, unanswered (or unconfirmed) ones
first, then by date, one message per meeting with its answer buttons, as requests are; at most
five, then a "Weitere" button (`mtg:mine:<offset>`).
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.errors import UserError
from bot.i18n import format_short
from bot.screens import show_meeting
from bot.ui import PRIVATE, Button, answer_query, is_private, parse_callback, reply
from bot.views.attendance import is_open, own_answer_line, request_buttons, request_text
from bot.views.council import meeting_line
from storage.queries.attendance import answers_of_person, rsvp_meetings
from storage.queries.council import all_meetings, past_meetings, upcoming_meetings

Context = ContextTypes.DEFAULT_TYPE
PAGE_SIZE = 5
MINE_PAGE_SIZE = 5
MINE_LIMIT = 100
MINE_BUTTON = re.compile(r"mtg:mine:(\d{1,3})")
PAGE_BUTTON = re.compile(r"mtg:(up|past|all):(\d{1,6})")
ALL_WORDS = ("alle", "all")
PAST_WORDS = ("vergangen", "vergangene", "past")
HEADERS = {
    "up": "meetings.upcoming_header",
    "past": "meetings.past_header",
    "all": "meetings.all_header",
}
SHOW_BUTTON = re.compile(r"mtg:show:(\d{1,12})")


async def _send_page(update: Update, caller: Caller, *, view: str, offset: int, edit: bool) -> None:
    """One page of a list: `up` (upcoming), `past` or `all` (every meeting, latest first)."""
    runtime = caller.runtime
    past = view == "past"
    async with runtime.sessions() as session:
        if view == "all":
            page = await all_meetings(session, limit=PAGE_SIZE, offset=offset)
        else:
            query = past_meetings if past else upcoming_meetings
            page = await query(session, now=runtime.now(), limit=PAGE_SIZE, offset=offset)
        # The member's own attendance answers (issue 6), shown under meetings that ask for one.
        answers = await answers_of_person(
            session, person_id=caller.person.id, meeting_ids=[m.id for m in page.items if m.rsvp]
        )
    if not page.items:
        text = caller.t("meetings.none_past" if past else "meetings.none_upcoming")
        switch = "meetings.show_upcoming" if past else "meetings.show_past"
        await reply(
            update, text, [[(caller.t(switch), f"mtg:{'up' if past else 'past'}:0")]], edit=edit
        )
        return
    header = caller.t(
        HEADERS[view],
        first=offset + 1,
        last=offset + len(page.items),
        total=page.total,
    )
    lines = [header] + [
        meeting_line(
            m,
            caller.language,
            runtime.tz,
            answer=own_answer_line(m, answers.get(m.id), caller.language),
        )
        for m in page.items
    ]
    rows: list[list[Button]] = [
        [
            (
                caller.t("meetings.open", when=format_short(m.start, caller.language, runtime.tz)),
                f"mtg:show:{m.id}",
            )
        ]
        for m in page.items
    ]
    navigation: list[Button] = []
    if page.has_previous:
        navigation.append(
            (caller.t("meetings.earlier"), f"mtg:{view}:{max(0, offset - PAGE_SIZE)}")
        )
    if page.has_more:
        navigation.append((caller.t("meetings.later"), f"mtg:{view}:{offset + PAGE_SIZE}"))
    rows.append(navigation)
    switch = "meetings.show_upcoming" if past else "meetings.show_past"
    rows.append([(caller.t(switch), f"mtg:{'up' if past else 'past'}:0")])
    await reply(update, "\n\n".join(lines), rows, edit=edit)


@members_only
async def list_meetings(update: Update, context: Context, caller: Caller) -> None:
    word = (context.args or [""])[0].lower()
    view = "all" if word in ALL_WORDS else "past" if word in PAST_WORDS else "up"
    await _send_page(update, caller, view=view, offset=0, edit=False)


@members_only
async def turn_page(update: Update, context: Context, caller: Caller) -> None:
    match = parse_callback(update, PAGE_BUTTON)
    await answer_query(update)
    await _send_page(update, caller, view=match.group(1), offset=int(match.group(2)), edit=True)


@members_only
async def open_meeting(update: Update, context: Context, caller: Caller) -> None:
    meeting_id = int(parse_callback(update, SHOW_BUTTON).group(1))
    if not is_private(update):  # a look-up never answers into a group
        raise UserError("access.lookup_private_only")
    await show_meeting(update, caller, meeting_id)
    await answer_query(update)


async def _send_mine(update: Update, caller: Caller, offset: int) -> None:
    runtime = caller.runtime
    now = runtime.now()
    async with runtime.sessions() as session:
        meetings = [
            meeting
            for meeting in await rsvp_meetings(session, now=now, past=False, limit=MINE_LIMIT)
            if is_open(meeting, now)
        ]
        answers = await answers_of_person(
            session, person_id=caller.person.id, meeting_ids=[m.id for m in meetings]
        )

    def settled(meeting_id: int) -> bool:
        answer = answers.get(meeting_id)
        return answer is not None and not answer.needs_confirmation

    ordered = sorted(meetings, key=lambda m: (settled(m.id), m.start, m.id))
    if not ordered:
        await reply(update, caller.t("meetings.mine_none"))
        return
    page = ordered[offset : offset + MINE_PAGE_SIZE]
    for meeting in page:
        answer = answers.get(meeting.id)
        await reply(
            update,
            request_text(meeting, answer, caller.language, runtime.tz, now=now),
            request_buttons(meeting, answer, caller.language, now=now),
        )
    rest = len(ordered) - offset - len(page)
    if rest > 0:
        await reply(
            update,
            caller.t("meetings.mine_more", count=rest),
            [[(caller.t("meetings.mine_more_button"), f"mtg:mine:{offset + MINE_PAGE_SIZE}")]],
        )


@members_only
async def my_meetings(update: Update, context: Context, caller: Caller) -> None:
    await _send_mine(update, caller, 0)


@members_only
async def my_meetings_more(update: Update, context: Context, caller: Caller) -> None:
    offset = int(parse_callback(update, MINE_BUTTON).group(1))
    await answer_query(update)
    await _send_mine(update, caller, offset)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("termine", list_meetings, filters=PRIVATE),
    CommandHandler("meine_termine", my_meetings, filters=PRIVATE),
    CallbackQueryHandler(my_meetings_more, pattern=r"^mtg:mine:"),
    CallbackQueryHandler(turn_page, pattern=r"^mtg:(up|past|all):"),
    CallbackQueryHandler(open_meeting, pattern=r"^mtg:show:"),
]
