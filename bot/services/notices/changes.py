"""From a change report (an import, or a change made in the chat) to the notices to send.

`notify_changes` runs inside the change's transaction, so the notices are written exactly when
the change is (the outbox). Each event has a stable key, e.g. `meeting:17:moved:3` (the
meeting's iCalendar SEQUENCE) or `paper:5:new`, so the same event never reaches a chat twice;
changes without a sequence carry the revision of the report that made them;
an import that changes nothing produces no report entries and so notifies nobody. All notices
of one report share one batch key: a member gets them as one combined message.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services.importer import AgendaChange, EntityChange, ImportReport, Notifier
from bot.services.notices import render
from bot.services.notices.recipients import Preference, Reader, group_readers, member_readers
from bot.services.outbox import Notice, enqueue_many
from bot.views.attendance import asks_in_change_notice
from storage.models import Meeting
from storage.queries.council import PaperDetails, paper_details
from storage.queries.notices import (
    file_by_id,
    meetings_with_agenda,
    newest_file,
    non_public_uses,
)

# A meeting document's role that is a protocol (bot/services/oparl/mapping.py).
PROTOCOLS = {"results_protocol", "verbatim_protocol"}


class Renderer(Protocol):
    """Renders one notice: text and buttons, or None when there is nothing to say."""

    def __call__(self, *, language: str, for_group: bool) -> render.Rendered | None: ...


@dataclass(frozen=True)
class Topic:
    """One event to tell people about, rendered per language on demand."""

    event_key: str
    kind: str  # Delivery.kind
    preference: Preference
    public: bool  # may go to the connected group too
    render: Renderer
    # False for a change of an rsvp meeting: members get one message with the question
    # again from bot.services.attendance.changes; the group still gets this notice.
    members: bool = True


def digest(*parts: object) -> str:
    """A short, stable fingerprint of what changed (for event keys without a sequence)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:12]


def _follows_meetings(change: EntityChange) -> bool:
    """Whether the Beratungsfolge changed only because a meeting it names moved to another
    day: the members hear of that move already."""
    consultations = change.change("consultations")
    if consultations is None:
        return False

    def undated(value: object) -> object:
        if not isinstance(value, tuple):
            return value
        return tuple(replace(c, date=None) if c.meeting else c for c in value)

    return undated(consultations.old) == undated(consultations.new)


def _over(meeting: Meeting, now: datetime) -> bool:
    return (meeting.end or meeting.start) <= now


async def _paper_public(session: AsyncSession, details: PaperDetails) -> bool:
    """Public only when every step of the Beratungsfolge is, and no non-public agenda item
    or meeting deals with it: a notice in the group must never leak what is not public."""
    consultations = details.paper.consultations
    if not consultations or not all(c.public for c in consultations):
        return False
    return not await non_public_uses(session, paper_id=details.paper.id)


async def _paper_topics(
    session: AsyncSession, report: ImportReport, settings: Settings, revision: str
) -> list[Topic]:
    tz = settings.tz
    topics: list[Topic] = []
    for ref in report.papers.created:
        details = await paper_details(session, reference=ref.key)
        if details is None:
            continue
        topics.append(
            Topic(
                f"paper:{details.paper.id}:new",
                "paper_new",
                Preference.PAPERS,
                await _paper_public(session, details),
                partial(render.paper_new, details, tz=tz),
            )
        )
    for change in report.papers.changed:
        details = await paper_details(session, reference=change.key)
        if details is None:
            continue
        paper, public = details.paper, await _paper_public(session, details)
        file_change = change.change("file")
        if file_change is not None and isinstance(file_change.new, str):
            file = await newest_file(session, paper_id=paper.id, file_name=file_change.new)
            if file is not None:
                topics.append(
                    Topic(
                        f"paper:{paper.id}:file:{file.id}",
                        "paper_file",
                        Preference.PAPERS,
                        public,
                        partial(render.paper_file, paper, file),
                    )
                )
        decision = change.change("decision")
        if decision is not None and isinstance(decision.new, str):
            # A committee's decision on it (synced: the agenda item's result).
            topics.append(
                Topic(
                    f"paper:{paper.id}:decision:{digest(decision.new)}",
                    "paper_decision",
                    Preference.PAPERS,
                    public,
                    partial(render.paper_decision, paper, decision.new),
                )
            )
        fields = [
            name
            for name in render.PAPER_FIELDS
            if name in change.fields and not (name == "consultations" and _follows_meetings(change))
        ]
        if fields:
            key = f"paper:{paper.id}:changed:{revision}:{digest(change.changes)}"
            topics.append(
                Topic(
                    key,
                    "paper_changed",
                    Preference.PAPERS,
                    public,
                    partial(render.paper_changed, paper, fields),
                )
            )
    return topics


def _meeting_change_topic(
    meeting: Meeting, change: EntityChange, settings: Settings, revision: str
) -> Topic | None:
    tz = settings.tz
    fields = set(change.fields)
    if "cancelled" in fields:
        key = f"meeting:{meeting.id}:reinstated:{meeting.sequence}"
    elif fields & {"start", "end", "location"}:
        key = f"meeting:{meeting.id}:moved:{meeting.sequence}"
    elif fields & {"name", "kind", "organization"}:
        key = f"meeting:{meeting.id}:changed:{revision}:{digest(change.changes)}"
    else:
        return None  # visibility or the attendance question: nothing to announce
    return Topic(
        key,
        "meeting_changed",
        Preference.MEETINGS,
        meeting.public,
        partial(render.meeting_changed, meeting, change, tz=tz),
        members=not asks_in_change_notice(meeting, change.fields),
    )


async def _meeting_topics(
    session: AsyncSession, report: ImportReport, settings: Settings, now: datetime, revision: str
) -> list[Topic]:
    tz = settings.tz
    meetings = report.meetings
    ids = {ref.id for ref in meetings.created}
    ids |= {change.id for change in [*meetings.changed, *meetings.cancelled]}
    ids |= {agenda.meeting_id for agenda in report.agendas}
    loaded = await meetings_with_agenda(session, meeting_ids=ids)

    def current(meeting_id: int) -> Meeting | None:
        meeting = loaded.get(meeting_id)
        # Nobody needs to hear about a meeting that is over (e.g. history in a first import).
        return None if meeting is None or _over(meeting, now) else meeting

    topics: list[Topic] = []
    for change in meetings.changed:
        document = change.change("document")
        if document is not None and isinstance(document.new, int):
            meeting = loaded.get(change.id)
            topic = await _document_topic(session, meeting, document.new, now, settings)
            if topic is not None:
                topics.append(topic)
    for ref in meetings.created:
        if (meeting := current(ref.id)) is not None and not meeting.cancelled:
            topics.append(
                Topic(
                    f"meeting:{meeting.id}:new",
                    "meeting_new",
                    Preference.MEETINGS,
                    meeting.public,
                    partial(render.meeting_new, meeting, tz=tz),
                )
            )
    for change in meetings.changed:
        if "document" in change.fields:
            continue  # above
        if (meeting := current(change.id)) is not None and not meeting.cancelled:
            topic = _meeting_change_topic(meeting, change, settings, revision)
            if topic is not None:
                topics.append(topic)
    for change in meetings.cancelled:
        if (meeting := current(change.id)) is not None:
            topics.append(
                Topic(
                    f"meeting:{meeting.id}:cancelled:{meeting.sequence}",
                    "meeting_cancelled",
                    Preference.MEETINGS,
                    meeting.public,
                    partial(render.meeting_cancelled, meeting, tz=tz),
                    members=not asks_in_change_notice(meeting, change.fields),
                )
            )
    for agenda in report.agendas:
        meeting = current(agenda.meeting_id)
        if meeting is None or meeting.cancelled:
            continue
        topics.append(_agenda_topic(meeting, agenda, settings, revision))
    return topics


async def _document_topic(
    session: AsyncSession, meeting: Meeting | None, file_id: int, now: datetime, settings: Settings
) -> Topic | None:
    """A meeting's new document (synced): a Nachtrag or Tischvorlage of an upcoming meeting,
    or its protocol, which comes after the meeting."""
    file = await file_by_id(session, file_id=file_id)
    if meeting is None or file is None or meeting.cancelled:
        return None
    protocol = file.role in PROTOCOLS
    if not protocol and _over(meeting, now):
        return None
    return Topic(
        f"meeting:{meeting.id}:file:{file.id}",
        "meeting_file",
        Preference.MEETINGS,
        meeting.public,
        partial(render.meeting_file, meeting, file, protocol, tz=settings.tz),
    )


def _agenda_topic(
    meeting: Meeting, agenda: AgendaChange, settings: Settings, revision: str
) -> Topic:
    tz = settings.tz
    return Topic(
        f"agenda:{meeting.id}:{revision}:{digest(agenda)}",
        "agenda_changed",
        Preference.MEETINGS,
        meeting.public,
        partial(render.agenda_changed, meeting, agenda, tz=tz),
    )


def _notices(topics: list[Topic], readers: list[Reader], batch_key: str) -> list[Notice]:
    notices: list[Notice] = []
    for topic in topics:
        cache: dict[tuple[str, bool], render.Rendered | None] = {}
        for reader in readers:
            if not reader.wants(topic.preference) or (reader.is_group and not topic.public):
                continue
            if not reader.is_group and not topic.members:
                continue
            variant = (reader.language, reader.is_group)
            if variant not in cache:
                cache[variant] = topic.render(language=reader.language, for_group=reader.is_group)
            rendered = cache[variant]
            if rendered is None:
                continue
            text, buttons = rendered
            notices.append(
                Notice(
                    event_key=topic.event_key,
                    chat_id=reader.chat_id,
                    kind=topic.kind,
                    text=text,
                    buttons=buttons,
                    person_id=reader.person_id,
                    batch_key=batch_key,
                )
            )
    return notices


async def notify_changes(
    session: AsyncSession,
    report: ImportReport,
    *,
    settings: Settings,
    now: datetime | None = None,
    skip_person_id: int | None = None,
) -> int:
    """Write the notices about `report` into the outbox (in the caller's transaction).

    Members get what their settings ask for (proposals / dates and changes), in their
    language; connected groups get the public ones. `skip_person_id`: the administrator who
    made the change in the chat (they know already). Returns how many notices were queued.
    """
    now = now or datetime.now(UTC)
    # Changes without an iCalendar SEQUENCE (a title, a Vorlage field, an agenda) get the
    # change's own revision in their key: a change back and forth (A → B → A → B) is four
    # events, not two, while one report's notices are still written once per chat.
    revision = uuid.uuid4().hex[:12]
    topics = await _paper_topics(session, report, settings, revision)
    topics += await _meeting_topics(session, report, settings, now, revision)
    if not topics:
        return 0
    today = now.astimezone(settings.tz).date()
    readers = await member_readers(
        session, group_key=settings.group_key, today=today, default_language=settings.language
    )
    readers = [reader for reader in readers if reader.person_id != skip_person_id]
    readers += await group_readers(session, default_language=settings.language)
    batch_key = f"changes:{uuid.uuid4().hex}"
    return await enqueue_many(session, _notices(topics, readers, batch_key))


def change_notifier(
    settings: Settings, *, now: datetime | None = None, skip_person_id: int | None = None
) -> Notifier:
    """A `Notifier` for `import_yaml` and the chat administration services."""

    async def notifier(session: AsyncSession, report: ImportReport) -> int:
        return await notify_changes(
            session, report, settings=settings, now=now, skip_person_id=skip_person_id
        )

    return notifier
