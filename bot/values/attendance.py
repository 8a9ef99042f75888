"""An rsvp meeting's attendance overview: each current member's answer and faction coverage.

Computed by bot/services/attendance/overview.py, rendered by bot/views/attendance_overview.py.
A faction is ✅ covered (a Zusage or a named Vertretung, confirmed), ⏳ open (Vielleicht, no
answer yet, or not confirmed after a move), ⚠️ missing (everyone declined), or has no member.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.models import Attendance, AttendanceStatus, Meeting, Person

COVERING = (AttendanceStatus.YES, AttendanceStatus.DEPUTY)


class Coverage(StrEnum):
    COVERED = "covered"
    OPEN = "open"
    MISSING = "missing"
    NO_MEMBER = "no_member"


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

    @property
    def covers(self) -> bool:
        """Comes or sends a named deputy, and has confirmed after a move."""
        return self.status in COVERING and not self.unconfirmed

    @property
    def declined(self) -> bool:
        return self.status == AttendanceStatus.NO and not self.unconfirmed


@dataclass(frozen=True)
class FactionCoverage:
    faction: str
    coverage: Coverage
    # Covered: the members who come or send a deputy; open: those who may still come.
    by: tuple[MemberAnswer, ...]


@dataclass(frozen=True)
class Overview:
    meeting: Meeting
    members: tuple[MemberAnswer, ...]
    factions: tuple[FactionCoverage, ...]

    @property
    def administration(self) -> list[MemberAnswer]:
        """Members of the administration (with a department): never counted for a faction."""
        return [m for m in self.members if m.person.department_id is not None]

    @property
    def others(self) -> list[MemberAnswer]:
        """Members with neither a faction nor a department (e.g. an external expert)."""
        return [
            m
            for m in self.members
            if m.person.faction_id is None and m.person.department_id is None
        ]

    def coverage_of(self, faction: str) -> Coverage | None:
        return next((f.coverage for f in self.factions if f.faction == faction), None)

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
        """Factions with members that are not (yet) represented."""
        return [f for f in self.factions if f.coverage in (Coverage.OPEN, Coverage.MISSING)]

    def with_coverage(self, coverage: Coverage) -> list[str]:
        return [f.faction for f in self.factions if f.coverage is coverage]
