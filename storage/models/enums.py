"""Closed sets of values stored as plain strings (portable across SQLite and PostgreSQL)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Enum


class OrganizationKind(StrEnum):
    COMMITTEE = "committee"  # Gremium: Kreistag, Sozialausschuss, Lenkungsgruppe
    FACTION = "faction"  # Fraktion
    DEPARTMENT = "department"  # Verwaltungsbereich, Dezernat


class MeetingKind(StrEnum):
    SESSION = "session"
    PRESENTATION = "presentation"
    APPOINTMENT = "appointment"


class AttendanceStatus(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"
    DEPUTY = "deputy"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # permanent error, reason stored
    UNREACHABLE = "unreachable"  # Forbidden: blocked or deactivated


def string_enum(enum: type[StrEnum]) -> Enum:
    """A VARCHAR column holding the enum's values (not its member names)."""
    values: Any = lambda members: [member.value for member in members]  # noqa: E731
    return Enum(enum, native_enum=False, values_callable=values, length=20)
