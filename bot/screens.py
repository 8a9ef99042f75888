"""Screens shown from several places: the meeting view and the paper view.

The meeting view opens from /termine, /tagesordnung, search results and calendar deep links;
the paper view from /vorlage, agenda buttons and search results.
"""

from __future__ import annotations

from telegram import Update

from bot.access import Caller
from bot.errors import UserError
from bot.ui import Button, reply
from bot.views.council import meeting_blocks, paper_blocks
from bot.views.text import split_blocks
from storage.queries.council import meeting_by_id, paper_details

MAX_PAPER_BUTTONS = 20


async def show_meeting(update: Update, caller: Caller, meeting_id: int) -> None:
    """The meeting with its whole agenda, split at item boundaries; buttons to its papers."""
    runtime = caller.runtime
    async with runtime.sessions() as session:
        meeting = await meeting_by_id(session, meeting_id=meeting_id)
    if meeting is None:
        raise UserError("meetings.not_found")
    messages = split_blocks(meeting_blocks(meeting, caller.language, runtime.tz))
    papers = {item.paper.id: item.paper for item in meeting.agenda_items if item.paper}
    rows: list[list[Button]] = [
        [(caller.t("meetings.paper_button", reference=paper.reference), f"pap:id:{paper.id}")]
        for paper in list(papers.values())[:MAX_PAPER_BUTTONS]
    ]
    rows.append([(caller.t("subscribe.event_button"), f"cal:ics:{meeting.id}")])
    if caller.is_admin and not meeting.cancelled and (meeting.end or meeting.start) > runtime.now():
        # The fix where the agenda is missing or wrong: /tagesordnung_bearbeiten for this one.
        key = "meetings.edit_agenda" if meeting.agenda_items else "meetings.add_agenda"
        rows.append([(caller.t(key), f"agd:show:{meeting.id}")])
    for number, text in enumerate(messages, start=1):
        await reply(update, text, rows if number == len(messages) else ())


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
    if caller.is_admin:  # corrections: /vorlage_bearbeiten for this one
        rows.append([(caller.t("papers.edit_button"), f"pedt:paper:{details.paper.id}")])
    for number, text in enumerate(messages, start=1):
        await reply(update, text, rows if number == len(messages) else ())
