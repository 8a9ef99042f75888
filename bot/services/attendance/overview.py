"""Who comes to a meeting: counts, names per answer, who has not answered, faction coverage,
and the same as a CSV file. For administrators only (attendance answers are personal data).

Faction coverage lists every faction that has current members in the group; it is covered
when one of its members says yes or sends a deputy, *unconfirmed* when such an answer waits
for confirmation after a move, and missing otherwise.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.i18n import t
from bot.services.members import require_admin
from storage.models import Attendance, AttendanceStatus, Meeting, Person
from storage.queries.attendance import answers_for_meeting, fresh_meeting
from storage.queries.council import meeting_by_key
from storage.queries.members import active_members

COVERING = (AttendanceStatus.YES, AttendanceStatus.DEPUTY)
# Excel opens a UTF-8 file with umlauts correctly only with the byte order mark; German Excel
# splits columns at semicolons.
CSV_BOM = "\ufeff"
CSV_DELIMITER = ";"


class Coverage(StrEnum):
    COVERED = "covered"
    UNCONFIRMED = "unconfirmed"
    MISSING = "missing"


@dataclass(frozen=True)
class MemberAnswer:
    """One current member and their answer (None: not answered yet)."""

    person: Person
    attendance: Attendance | None

    @property
    def status(self) -> AttendanceStatus | None:
        return self.attendance.status if self.attendance else None

    @property
    def unconfirmed(self) -> bool:
        return self.attendance is not None and self.attendance.needs_confirmation


@dataclass(frozen=True)
class FactionCoverage:
    faction: str
    coverage: Coverage
    # Who covers it: the members who come or send a deputy.
    by: tuple[MemberAnswer, ...]


@dataclass(frozen=True)
class Overview:
    meeting: Meeting
    members: tuple[MemberAnswer, ...]
    factions: tuple[FactionCoverage, ...]

    def with_status(self, status: AttendanceStatus) -> list[MemberAnswer]:
        return [member for member in self.members if member.status == status]

    @property
    def unanswered(self) -> list[MemberAnswer]:
        return [member for member in self.members if member.attendance is None]

    @property
    def unconfirmed(self) -> list[MemberAnswer]:
        return [member for member in self.members if member.unconfirmed]

    def count(self, status: AttendanceStatus | None) -> int:
        """How many gave this answer; None: how many are open — not answered, or an answer
        that waits for confirmation after a move (it counts as open until confirmed)."""
        if status is None:
            return sum(1 for m in self.members if m.attendance is None or m.unconfirmed)
        return sum(1 for m in self.members if m.status == status and not m.unconfirmed)

    def not_covered(self) -> list[FactionCoverage]:
        return [f for f in self.factions if f.coverage is not Coverage.COVERED]


async def build_overview(
    session: AsyncSession, *, meeting: Meeting, now: datetime, settings: Settings
) -> Overview:
    """The overview without a rights check (for the services' own use)."""
    today = now.astimezone(settings.tz).date()
    members = await active_members(session, group_key=settings.group_key, today=today)
    answers = await answers_for_meeting(session, meeting_id=meeting.id)
    rows = tuple(MemberAnswer(person, answers.get(person.id)) for person in members)
    factions: dict[str, list[MemberAnswer]] = {}
    for row in rows:
        if row.person.faction is not None:
            factions.setdefault(row.person.faction.name, []).append(row)
    coverage = []
    for name in sorted(factions):
        covering = tuple(row for row in factions[name] if row.status in COVERING)
        if any(not row.unconfirmed for row in covering):
            state = Coverage.COVERED
        elif covering:
            state = Coverage.UNCONFIRMED
        else:
            state = Coverage.MISSING
        coverage.append(FactionCoverage(name, state, covering))
    return Overview(meeting=meeting, members=rows, factions=tuple(coverage))


async def attendance_overview(
    session: AsyncSession,
    *,
    actor: Person | None,
    meeting_id: int,
    now: datetime,
    settings: Settings,
) -> Overview:
    """The overview of one meeting for an administrator (`actor=None`: the shell)."""
    require_admin(actor)
    meeting = await fresh_meeting(session, meeting_id=meeting_id)
    if meeting is None:
        raise UserError("attendance.not_found")
    if not meeting.rsvp:
        raise UserError("attendance.not_rsvp")
    return await build_overview(session, meeting=meeting, now=now, settings=settings)


async def attendance_overview_by_key(
    session: AsyncSession, *, actor: Person | None, key: str, now: datetime, settings: Settings
) -> Overview:
    """The same, for the meeting's key from the import file (the CLI's MEETING argument)."""
    meeting = await meeting_by_key(session, key=key.strip())
    if meeting is None:
        raise UserError("attendance.unknown_key", key=key)
    return await attendance_overview(
        session, actor=actor, meeting_id=meeting.id, now=now, settings=settings
    )


def csv_file_name(meeting: Meeting) -> str:
    """`teilnahme-<meeting key>.csv`, the key reduced to characters safe in a file name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", meeting.key).strip("-.") or str(meeting.id)
    return f"teilnahme-{safe}.csv"


def _answer_text(member: MemberAnswer, language: str) -> str:
    if member.attendance is None:
        return str(t(language, "attendance.csv.status.none"))
    text = str(t(language, f"attendance.csv.status.{member.attendance.status.value}"))
    if member.unconfirmed:
        text += t(language, "attendance.csv.unconfirmed")
    return text


def _cell(value: str | None) -> str:
    """A text cell; a leading = + - @ would make Excel read a formula (CSV injection), and a
    deputy's name is typed by a member, so such a value is kept as text."""
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def overview_csv(overview: Overview, language: str, tz: tzinfo) -> bytes:
    """One row per current member: name, faction, function, answer, deputy, answered at
    (local time). UTF-8 with BOM, semicolons, so Excel opens it with umlauts intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    columns = ("name", "faction", "function", "answer", "deputy", "answered_at")
    writer.writerow([t(language, f"attendance.csv.column.{column}") for column in columns])
    for member in overview.members:
        attendance = member.attendance
        answered_at = (
            attendance.updated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if attendance else ""
        )
        writer.writerow(
            [
                _cell(member.person.name),
                _cell(member.person.faction.name if member.person.faction else None),
                _cell(member.person.function),
                _answer_text(member, language),
                _cell(attendance.deputy_name if attendance else None),
                answered_at,
            ]
        )
    return (CSV_BOM + buffer.getvalue()).encode("utf-8")
