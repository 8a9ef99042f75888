"""Who comes to a meeting: counts, names per answer, who has not answered, faction coverage,
and the same as a CSV file. For administrators only (attendance answers are personal data).

Faction coverage lists every faction organization: *covered* when a current member of it says
yes or names a deputy (and has confirmed after a move), *open* while one of them may still come
(Vielleicht, no answer yet, or an answer not confirmed after a move), *missing* when every
member declined, and *no member* when the faction has no current member in the group. The
administration (members with a department) and members with neither are listed on their own and
never count for a faction.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import UserError
from bot.i18n import t
from bot.services.members import admin_in
from bot.values.attendance import Coverage, FactionCoverage, MemberAnswer, Overview
from storage.models import Meeting, Person
from storage.queries.attendance import answers_for_meeting, fresh_meeting
from storage.queries.council import meeting_by_key
from storage.queries.members import active_members, factions

# Excel opens a UTF-8 file with umlauts correctly only with the byte order mark; German Excel
# splits columns at semicolons.
CSV_BOM = "\ufeff"
CSV_DELIMITER = ";"


def faction_coverage(name: str, members: list[MemberAnswer]) -> FactionCoverage:
    """One faction's state from the answers of its current members."""
    if not members:
        return FactionCoverage(name, Coverage.NO_MEMBER, ())
    covering = tuple(member for member in members if member.covers)
    if covering:
        return FactionCoverage(name, Coverage.COVERED, covering)
    pending = tuple(member for member in members if not member.declined)
    if pending:
        return FactionCoverage(name, Coverage.OPEN, pending)
    return FactionCoverage(name, Coverage.MISSING, ())


async def build_overview(
    session: AsyncSession, *, meeting: Meeting, now: datetime, settings: Settings
) -> Overview:
    """The overview without a rights check (for the services' own use)."""
    today = now.astimezone(settings.tz).date()
    members = await active_members(session, group_key=settings.group_key, today=today)
    answers = await answers_for_meeting(session, meeting_id=meeting.id)
    rows = tuple(MemberAnswer(person, answers.get(person.id)) for person in members)
    organizations = await factions(session)
    by_faction: dict[int, list[MemberAnswer]] = {org.id: [] for org in organizations}
    names = {org.id: org.name for org in organizations}
    for row in rows:
        faction = row.person.faction
        # A member with a department belongs to the administration, whatever else is stored.
        if faction is not None and row.person.department_id is None:
            by_faction.setdefault(faction.id, []).append(row)
            names[faction.id] = faction.name
    coverage = sorted(
        (faction_coverage(names[key], members) for key, members in by_faction.items()),
        key=lambda item: item.faction.casefold(),
    )
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
    await admin_in(session, actor)
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


def _coverage_text(coverage: Coverage | None, language: str) -> str:
    if coverage is None:
        return ""
    return str(t(language, f"attendance.csv.coverage.{coverage.value}"))


def overview_csv(overview: Overview, language: str, tz: tzinfo) -> bytes:
    """One row per current member: name, faction, department, function, answer, deputy,
    answered at (local time), and whether the member's faction is represented; then one row per
    faction without a member. UTF-8 with BOM, semicolons, so Excel opens it with umlauts
    intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    columns = (
        "name",
        "faction",
        "department",
        "function",
        "answer",
        "deputy",
        "answered_at",
        "faction_status",
    )
    writer.writerow([t(language, f"attendance.csv.column.{column}") for column in columns])
    for member in overview.members:
        attendance = member.attendance
        person = member.person
        answered_at = (
            attendance.updated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if attendance else ""
        )
        faction = person.faction.name if person.faction and person.department_id is None else None
        writer.writerow(
            [
                _cell(person.name),
                _cell(faction),
                _cell(person.department.name if person.department else None),
                _cell(person.function),
                _answer_text(member, language),
                _cell(attendance.deputy_name if attendance else None),
                answered_at,
                _coverage_text(overview.coverage_of(faction) if faction else None, language),
            ]
        )
    for name in overview.with_coverage(Coverage.NO_MEMBER):
        writer.writerow(
            ["", _cell(name), "", "", "", "", "", _coverage_text(Coverage.NO_MEMBER, language)]
        )
    return (CSV_BOM + buffer.getvalue()).encode("utf-8")
