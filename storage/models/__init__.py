"""All ORM models; import from here so every table is registered on `Base.metadata`."""

from storage.models.base import Base, UTCDateTime, utcnow
from storage.models.council import (
    AgendaItem,
    Attendance,
    Body,
    Consultation,
    File,
    Meeting,
    Organization,
    Paper,
)
from storage.models.enums import (
    AttendanceStatus,
    DeliveryStatus,
    MeetingKind,
    OrganizationKind,
)
from storage.models.messaging import Announcement, Delivery
from storage.models.oparl import OParlSource
from storage.models.people import AuditEntry, GroupChat, Invite, Membership, Person

__all__ = [
    "AgendaItem",
    "Announcement",
    "Attendance",
    "AttendanceStatus",
    "AuditEntry",
    "Base",
    "Body",
    "Consultation",
    "Delivery",
    "DeliveryStatus",
    "File",
    "GroupChat",
    "Invite",
    "Meeting",
    "MeetingKind",
    "Membership",
    "OParlSource",
    "Organization",
    "OrganizationKind",
    "Paper",
    "Person",
    "UTCDateTime",
    "utcnow",
]
