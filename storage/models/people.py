"""People and access: persons, memberships, invitations, group chats and the audit log."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Timestamps, UTCDateTime, utcnow
from storage.models.council import Organization


class Person(Timestamps, Base):
    """A member of the body (OParl Person) and their Telegram link and preferences."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str | None] = mapped_column(String(200))
    faction_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    # Administration staff belong to a department instead of a faction (never both).
    department_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    is_admin: Mapped[bool] = mapped_column(default=False)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    telegram_username: Mapped[str | None] = mapped_column(String(64))
    # The member's own choice (/sprache); None means: follow Telegram's language.
    language: Mapped[str | None] = mapped_column(String(8))
    telegram_language: Mapped[str | None] = mapped_column(String(16))
    reachable: Mapped[bool] = mapped_column(default=True)
    unreachable_reason: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the personal calendar feed secret; the secret itself is never stored.
    calendar_secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    notify_papers: Mapped[bool] = mapped_column(default=True)
    notify_meetings: Mapped[bool] = mapped_column(default=True)
    notify_reminders: Mapped[bool] = mapped_column(default=True)
    # Reminder lead times in minutes before a meeting; None means the defaults.
    reminder_minutes: Mapped[list[int] | None] = mapped_column(JSON)
    quiet_start: Mapped[time | None] = mapped_column(default=time(22, 0))
    quiet_end: Mapped[time | None] = mapped_column(default=time(7, 0))
    # Set when the person left and their personal data was erased (/austreten).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    faction: Mapped[Organization | None] = relationship(lazy="joined", foreign_keys=[faction_id])
    department: Mapped[Organization | None] = relationship(
        lazy="joined", foreign_keys=[department_id]
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )


class Membership(Timestamps, Base):
    """Mitgliedschaft in an organization, with start and end; history is kept."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    role: Mapped[str | None] = mapped_column(String(100))
    start_date: Mapped[date]
    end_date: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(lazy="joined")


class Invite(Base):
    """Einladung: a single-use, expiring deep-link token, stored only as its hash."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship(foreign_keys=[person_id], lazy="joined")


class GroupChat(Timestamps, Base):
    """A Telegram group connected to the bot so that notices also go there."""

    __tablename__ = "group_chats"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    title: Mapped[str] = mapped_column(String(255))
    connected_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    active: Mapped[bool] = mapped_column(default=True)


class AuditEntry(Base):
    """Who published, changed, invited, removed or broadcast what, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The name is kept as text so the entry survives the actor's erasure.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
