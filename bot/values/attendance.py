"""An rsvp meeting's attendance overview: each current member's answer and faction coverage.

Computed by bot/services/attendance/overview.py, rendered by bot/views/attendance_overview.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.models import Attendance, AttendanceStatus, Meeting, Person


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
        return sum(1 for member in self.members if member.status == status)
