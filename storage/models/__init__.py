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
from storage.models.dialogues import DialogueState
from storage.models.drafts import DocumentDraft
from storage.models.enums import (
    AttendanceStatus,
    DeliveryStatus,
    MeetingKind,
    OrganizationKind,
)
from storage.models.messaging import Announcement, Delivery, Question
from storage.models.oparl import OParlSource
from storage.models.people import AuditEntry, GroupChat, Invite, Membership, Person
from storage.models.scale import FeedVersion, JobPeriod, SendBudget

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
    "DialogueState",
    "DocumentDraft",
    "FeedVersion",
    "File",
    "GroupChat",
    "Invite",
    "JobPeriod",
    "Meeting",
    "MeetingKind",
    "Membership",
    "OParlSource",
    "Organization",
    "OrganizationKind",
    "Paper",
    "Person",
    "Question",
    "SendBudget",
    "UTCDateTime",
    "utcnow",
]
