"""The attendance overview for administrators as message blocks, and the day-before summary."""

from __future__ import annotations

from datetime import tzinfo

from bot.i18n import Html, format_when, t
from bot.values.attendance import Coverage, FactionCoverage, MemberAnswer, Overview
from bot.views.attendance import status_name
from bot.views.council import meeting_title
from storage.models import AttendanceStatus

SECTIONS = (
    AttendanceStatus.YES,
    AttendanceStatus.DEPUTY,
    AttendanceStatus.MAYBE,
    AttendanceStatus.NO,
)


def _member_line(member: MemberAnswer, language: str) -> Html:
    person, attendance = member.person, member.attendance
    deputy = ""
    if attendance is not None and attendance.status == AttendanceStatus.DEPUTY:
        deputy = t(
            language,
            "attendance.overview.deputy",
            name=attendance.deputy_name or t(language, "attendance.overview.deputy_unnamed"),
        )
    home = person.department or person.faction
    return t(
        language,
        "attendance.overview.member",
        name=person.name,
        faction=t(language, "attendance.overview.faction", name=home.name) if home else "",
        deputy=deputy,
        unconfirmed=t(language, "attendance.overview.unconfirmed") if member.unconfirmed else "",
    )


def _who(member: MemberAnswer, language: str) -> str:
    attendance = member.attendance
    if attendance is not None and attendance.status == AttendanceStatus.DEPUTY:
        return t(
            language,
            "attendance.overview.covered_by_deputy",
            deputy=attendance.deputy_name or t(language, "attendance.overview.deputy_unnamed"),
            name=member.person.name,
        )
    return member.person.name


def _pending(member: MemberAnswer, language: str) -> str:
    """Who may still come, and why the faction is open: maybe, no answer, not confirmed."""
    if member.attendance is None:
        why = t(language, "attendance.overview.open_reason.none")
    elif member.unconfirmed:
        why = t(language, "attendance.overview.open_reason.unconfirmed")
    else:
        why = t(language, "attendance.overview.open_reason.maybe")
    return t(language, "attendance.overview.open_who", name=member.person.name, why=why)


def _faction_line(faction: FactionCoverage, language: str) -> Html:
    if faction.coverage is Coverage.OPEN:
        who = ", ".join(_pending(member, language) for member in faction.by)
    else:
        who = ", ".join(_who(member, language) for member in faction.by)
    return t(
        language,
        f"attendance.overview.coverage.{faction.coverage.value}",
        faction=faction.faction,
        who=who,
    )


def _answer_short(member: MemberAnswer, language: str) -> str:
    if member.status is None:
        return t(language, "attendance.overview.open_reason.none")
    text = status_name(member.status, language)
    if member.unconfirmed:
        text += t(language, "attendance.overview.unconfirmed")
    return text


def _apart_block(key: str, members: list[MemberAnswer], language: str) -> str:
    """The administration or the members with neither: each with their answer."""
    lines = [t(language, f"attendance.overview.{key}_header", count=len(members))]
    lines += [
        t(
            language,
            "attendance.overview.apart_member",
            name=member.person.name,
            home=t(language, "attendance.overview.faction", name=member.person.department.name)
            if member.person.department
            else "",
            answer=_answer_short(member, language),
        )
        for member in members
    ]
    return "\n".join(lines)


def counts_line(overview: Overview, language: str) -> Html:
    return t(
        language,
        "attendance.overview.counts",
        yes=overview.count(AttendanceStatus.YES),
        no=overview.count(AttendanceStatus.NO),
        maybe=overview.count(AttendanceStatus.MAYBE),
        deputy=overview.count(AttendanceStatus.DEPUTY),
        open=overview.count(None),
    )


def overview_blocks(overview: Overview, language: str, tz: tzinfo) -> list[str]:
    """Header and counts, one block per answer with the names, who has not answered, and the
    faction coverage; blocks never split across messages."""
    meeting = overview.meeting
    blocks: list[str] = [
        t(
            language,
            "attendance.overview.header",
            cancelled=t(language, "meetings.cancelled_prefix") if meeting.cancelled else "",
            title=meeting_title(meeting),
            when=format_when(meeting.start, language, tz),
            location=meeting.location or t(language, "meetings.no_location"),
        ),
        counts_line(overview, language),
    ]
    if overview.unconfirmed:
        blocks.append(t(language, "attendance.overview.waiting", count=len(overview.unconfirmed)))
    for status in SECTIONS:
        members = overview.with_status(status)
        if members:
            lines = [
                t(
                    language,
                    "attendance.overview.section",
                    label=status_name(status, language),
                    count=len(members),
                ),
                *(_member_line(member, language) for member in members),
            ]
            blocks.append("\n".join(lines))
    if overview.unanswered:
        lines = [t(language, "attendance.overview.unanswered", count=len(overview.unanswered))]
        lines += [_member_line(member, language) for member in overview.unanswered]
        blocks.append("\n".join(lines))
    if overview.factions:
        lines = [t(language, "attendance.overview.factions_header")]
        lines += [_faction_line(faction, language) for faction in overview.factions]
        blocks.append("\n".join(lines))
    else:
        blocks.append(t(language, "attendance.overview.no_factions"))
    if overview.administration:
        blocks.append(_apart_block("administration", overview.administration, language))
    if overview.others:
        blocks.append(_apart_block("others", overview.others, language))
    return blocks


def summary_text(overview: Overview, language: str, tz: tzinfo) -> Html:
    """The administrators' note the day before: counts and the factions not covered."""
    meeting = overview.meeting
    missing = overview.with_coverage(Coverage.MISSING)
    unconfirmed = overview.with_coverage(Coverage.OPEN)
    parts = [
        t(
            language,
            "attendance.summary.header",
            title=meeting_title(meeting),
            when=format_when(meeting.start, language, tz),
        ),
        counts_line(overview, language),
    ]
    if missing:
        parts.append(t(language, "attendance.summary.missing", factions=", ".join(missing)))
    if unconfirmed:
        parts.append(t(language, "attendance.summary.unconfirmed", factions=", ".join(unconfirmed)))
    if not missing and not unconfirmed:
        parts.append(t(language, "attendance.summary.all_covered"))
    return Html("\n\n".join(parts))
