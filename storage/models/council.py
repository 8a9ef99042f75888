"""Council data after OParl 1.1: bodies, organizations, meetings, agendas, papers, files."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Timestamps, UTCDateTime
from storage.models.enums import AttendanceStatus, MeetingKind, OrganizationKind, string_enum

if TYPE_CHECKING:
    from storage.models.people import Person


class Body(Timestamps, Base):
    """Körperschaft, e.g. the Landkreis."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(255))


class Organization(Timestamps, Base):
    """Gremium, Fraktion or Verwaltungsbereich (OParl Organization)."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[OrganizationKind] = mapped_column(string_enum(OrganizationKind))
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    # OParl sync (issue 14): the object's OParl id (a URL), so a later sync updates it.
    oparl_id: Mapped[str | None] = mapped_column(String(500), unique=True)


class Meeting(Timestamps, Base):
    """Sitzung, Präsentation or Termin (OParl Meeting)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[MeetingKind] = mapped_column(string_enum(MeetingKind))
    name: Mapped[str] = mapped_column(String(255))
    start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(255))
    public: Mapped[bool] = mapped_column(default=True)
    cancelled: Mapped[bool] = mapped_column(default=False)
    rsvp: Mapped[bool] = mapped_column(default=False)
    # iCalendar SEQUENCE: raised on every change of time, place or cancellation.
    sequence: Mapped[int] = mapped_column(default=0)
    # Why it was last moved or cancelled (optional; shown in the notice and the calendar).
    change_reason: Mapped[str | None] = mapped_column(Text)
    # OParl sync (issue 14): the object's OParl id (a URL), so a later sync updates it.
    oparl_id: Mapped[str | None] = mapped_column(String(500), unique=True)
    web: Mapped[str | None] = mapped_column(String(1000))  # its page in the RIS

    organization: Mapped[Organization] = relationship(lazy="joined")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    # Its own documents, synced from the information system (invitation, protocols, …).
    files: Mapped[list[File]] = relationship(
        back_populates="meeting", order_by="File.id", cascade="all, delete-orphan"
    )


class Paper(Timestamps, Base):
    """Drucksache: Beschlussvorlage, Informationsvorlage, Antrag (OParl Paper)."""

    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(Text)
    paper_type: Mapped[str] = mapped_column(String(100))
    date: Mapped[date | None]
    originator_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    proposal: Mapped[str | None] = mapped_column(Text)  # Beschlussvorschlag
    summary: Mapped[str | None] = mapped_column(Text)  # Sachverhalt
    # As printed on the Vorlage: its Tagesordnungspunkt, the earlier consultations it names
    # ([{"date": ISO, "organization": key, "name": …, "reference": …}]) and its Anlagen.
    agenda_item: Mapped[str | None] = mapped_column(String(20))
    history: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    attachments: Mapped[list[str] | None] = mapped_column(JSON)
    # OParl sync (issue 14): the object's OParl id (a URL), so a later sync updates it.
    oparl_id: Mapped[str | None] = mapped_column(String(500), unique=True)
    web: Mapped[str | None] = mapped_column(String(1000))  # its page in the RIS

    originator: Mapped[Organization | None] = relationship(lazy="joined")
    consultations: Mapped[list[Consultation]] = relationship(
        back_populates="paper", order_by="Consultation.position", cascade="all, delete-orphan"
    )
    files: Mapped[list[File]] = relationship(
        back_populates="paper", order_by="File.id", cascade="all, delete-orphan"
    )


class AgendaItem(Timestamps, Base):
    """Tagesordnungspunkt (OParl AgendaItem)."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int]
    number: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(default=True)
    paper_id: Mapped[int | None] = mapped_column(ForeignKey("papers.id"))
    result: Mapped[str | None] = mapped_column(Text)
    # OParl sync (issue 14): the object's OParl id (a URL), so a later sync updates it.
    oparl_id: Mapped[str | None] = mapped_column(String(500), unique=True)
    # The OParl consultation it deals with: its Vorlage is linked whenever that is read.
    consultation_oparl_id: Mapped[str | None] = mapped_column(String(500), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    paper: Mapped[Paper | None] = relationship(lazy="joined")


class Consultation(Base):
    """Beratung; a paper's ordered consultations form its Beratungsfolge."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    position: Mapped[int]
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    date: Mapped[date | None]
    public: Mapped[bool] = mapped_column(default=True)
    role: Mapped[str | None] = mapped_column(String(100))
    authoritative: Mapped[bool] = mapped_column(default=False)
    # OParl sync (issue 14): the object's OParl id (a URL), so a later sync updates it.
    oparl_id: Mapped[str | None] = mapped_column(String(500), unique=True)

    paper: Mapped[Paper] = relationship(back_populates="consultations")
    organization: Mapped[Organization] = relationship(lazy="joined")


class File(Base):
    """Anlage: a paper's document, kept in the database so a restart loses nothing; or a
    meeting's own document synced from the information system (invitation, protocols)."""

    __tablename__ = "files"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A paper's document (paper_id) or a meeting's own (meeting_id, with its `role`).
    paper_id: Mapped[int | None] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(String(30))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # None for a synced file: it is fetched from `access_url` when a member taps it.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # OParl sync (issue 14): the object's OParl id (a URL), so a later sync updates it.
    oparl_id: Mapped[str | None] = mapped_column(String(500), unique=True)
    access_url: Mapped[str | None] = mapped_column(String(1000))

    paper: Mapped[Paper | None] = relationship(back_populates="files")
    meeting: Mapped[Meeting | None] = relationship(back_populates="files")


class Attendance(Base):
    """Zusage / Absage / Vielleicht / Vertretung of one person for one meeting (personal data)."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    status: Mapped[AttendanceStatus] = mapped_column(string_enum(AttendanceStatus))
    deputy_name: Mapped[str | None] = mapped_column(String(200))
    # Set when a moved meeting needs the answer confirmed again.
    needs_confirmation: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
