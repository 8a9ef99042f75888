"""Previews for the administrators' dialogues, rendered by the members' own views.

A draft is a transient ORM object that is never added to a session: rendering it with
`bot.views.council` shows the administrator exactly what members will see.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot.views.council import meeting_blocks, paper_blocks
from bot.views.pickers import meeting_label
from storage.models import Meeting, MeetingKind, Organization, Paper
from storage.queries.council import PaperDetails

MAX_CHOICE_LABEL = 60  # characters on a choice button; longer titles are shortened


def draft_meeting(
    *,
    organization: Organization,
    kind: MeetingKind,
    name: str,
    start: datetime,
    end: datetime | None,
    location: str | None,
    public: bool,
    cancelled: bool = False,
) -> Meeting:
    return Meeting(
        organization=organization,
        kind=kind,
        name=name,
        start=start,
        end=end,
        location=location,
        public=public,
        cancelled=cancelled,
        agenda_items=[],
    )


def changed_meeting(
    meeting: Meeting,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    location: str | None = None,
    cancelled: bool = False,
) -> Meeting:
    """A draft of `meeting` after a move (new start, end, place) or its cancellation."""
    return draft_meeting(
        organization=meeting.organization,
        kind=meeting.kind,
        name=meeting.name,
        start=start or meeting.start,
        end=end if start else meeting.end,
        location=location if start else meeting.location,
        public=meeting.public,
        cancelled=cancelled,
    )


def meeting_preview(meeting: Meeting, language: str, tz: tzinfo, *, head_only: bool = False) -> str:
    """The meeting as members see it; `head_only` leaves out the agenda (which a move or a
    cancellation does not change)."""
    blocks = meeting_blocks(meeting, language, tz)
    return "\n".join(blocks[:1] if head_only else blocks)


def meeting_choice(meeting: Meeting, language: str, tz: tzinfo) -> str:
    """A button label: '04.03.27, 10:00 · Sozialplanung Nord GmbH' — date, time and the part
    of the title that tells meetings apart (bot/views/pickers.py)."""
    return meeting_label(meeting, language, tz, limit=MAX_CHOICE_LABEL)


def draft_paper(
    *,
    reference: str,
    name: str,
    paper_type: str,
    day: date | None,
    originator: Organization | None,
    proposal: str | None,
) -> Paper:
    return Paper(
        reference=reference,
        name=name,
        paper_type=paper_type,
        date=day,
        originator=originator,
        proposal=proposal,
        summary=None,
        consultations=[],
        files=[],
    )


def paper_preview(paper: Paper, language: str, tz: tzinfo) -> list[str]:
    """The paper as members see it, one block per part (for splitting long proposals)."""
    return paper_blocks(PaperDetails(paper=paper, meetings={}, agenda_items=[]), language, tz)
