"""Screens shown from several places: the meeting view and the paper view.

The meeting view opens from /termine, /tagesordnung, search results and calendar deep links;
the paper view from /vorlage, agenda buttons and search results.
"""

from __future__ import annotations

from telegram import Update

from bot.access import Caller
from bot.errors import UserError
from bot.i18n import t
from bot.runtime import Runtime
from bot.ui import Button, reply
from bot.views.attendance import is_open, request_buttons, request_text
from bot.views.council import meeting_blocks, paper_blocks
from bot.views.text import is_url, split_blocks
from storage.queries.attendance import answer_of
from storage.queries.council import meeting_by_id, paper_details

MAX_PAPER_BUTTONS = 20


async def show_meeting(update: Update, caller: Caller, meeting_id: int) -> None:
    """The meeting with its whole agenda, split at item boundaries; buttons to its papers."""
    runtime = caller.runtime
    async with runtime.sessions() as session:
        meeting = await meeting_by_id(session, meeting_id=meeting_id)
        attendance = None
        if meeting is not None and meeting.rsvp:
            attendance = await answer_of(session, meeting_id=meeting.id, person_id=caller.person.id)
    if meeting is None:
        raise UserError("meetings.not_found")
    messages = split_blocks(meeting_blocks(meeting, caller.language, runtime.tz))
    papers = {item.paper.id: item.paper for item in meeting.agenda_items if item.paper}
    rows: list[list[Button]] = [
        [(caller.t("meetings.paper_button", reference=paper.reference), f"pap:id:{paper.id}")]
        for paper in list(papers.values())[:MAX_PAPER_BUTTONS]
    ]
    # Its own documents (invitation, Nachtrag, protocols), synced: fetched on a tap.
    rows += [
        [(caller.t("papers.file_button", name=file.file_name), f"pap:file:{file.id}")]
        for file in meeting.files[:MAX_PAPER_BUTTONS]
    ]
    if not meeting.cancelled:  # a cancelled meeting belongs in no calendar
        rows.append([(caller.t("subscribe.event_button"), f"cal:ics:{meeting.id}")])
    if meeting.web and is_url(meeting.web):  # synced from the council's information system
        rows.append([(caller.t("oparl.open_button"), meeting.web)])
    if caller.is_admin and not meeting.cancelled and (meeting.end or meeting.start) > runtime.now():
        # The fix where the agenda is missing or wrong: /tagesordnung_bearbeiten for this one.
        key = "meetings.edit_agenda" if meeting.agenda_items else "meetings.add_agenda"
        rows.append([(caller.t(key), f"agd:show:{meeting.id}")])
    for number, text in enumerate(messages, start=1):
        await reply(update, text, rows if number == len(messages) else ())
    now = runtime.now()
    if is_open(meeting, now):
        # The member answers right here, as in a request (the same message and buttons).
        await reply(
            update,
            request_text(meeting, attendance, caller.language, runtime.tz, now=now),
            request_buttons(meeting, attendance, caller.language, now=now),
        )


async def show_public_meeting(
    update: Update, runtime: Runtime, language: str, meeting_id: int
) -> bool:
    """A public meeting for someone who is not a member (a calendar link of the public feed):
    date, place, the public agenda items, and one line on what the bot is for. False (nothing
    shown) for a non-public or unknown meeting."""
    async with runtime.sessions() as session:
        meeting = await meeting_by_id(session, meeting_id=meeting_id)
    if meeting is None or not meeting.public:
        return False
    blocks = meeting_blocks(meeting, language, runtime.tz, public_only=True)
    blocks.append(t(language, "meetings.public_note"))
    for text in split_blocks(blocks):
        await reply(update, text)
    return True


async def show_paper(update: Update, caller: Caller, reference: str) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        details = await paper_details(session, reference=reference)
    if details is None:
        raise UserError("papers.not_found", reference=reference)
    messages = split_blocks(paper_blocks(details, caller.language, runtime.tz))
    rows: list[list[Button]] = [
        [(caller.t("papers.file_button", name=file.file_name), f"pap:file:{file.id}")]
        for file in details.paper.files
    ]
    if details.paper.web and is_url(details.paper.web):  # synced from the information system
        rows.append([(caller.t("oparl.open_button"), details.paper.web)])
    if caller.is_admin:  # corrections: /vorlage_bearbeiten for this one
        rows.append([(caller.t("papers.edit_button"), f"pedt:paper:{details.paper.id}")])
    for number, text in enumerate(messages, start=1):
        await reply(update, text, rows if number == len(messages) else ())
