"""Announcements (Vorab-Information) and the delivery outbox (one row per message per chat)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Timestamps, UTCDateTime
from storage.models.enums import DeliveryStatus, string_enum


class Announcement(Timestamps, Base):
    """Vorab-Information / Rundschreiben from the administration."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    # Where progress and the final report go (the sender's chat), if sent from Telegram.
    report_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    report_message_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(50))
    audience_key: Mapped[str | None] = mapped_column(String(100))
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment: Mapped[bytes | None] = mapped_column(deferred=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Timestamps, Base):
    """Benachrichtigung: one message to one chat, written in the transaction that caused it."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("event_key", "chat_id"),
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(50))
    # What to send: text (HTML), buttons, optional document reference; rendered at write time.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Plain notices for one member produced together share a batch and are combined.
    batch_key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[DeliveryStatus] = mapped_column(
        string_enum(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # Due time; while a worker holds the row (claimed_by set) it is the end of that claim's lease.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger)


class Question(Base):
    """Rückfrage: a member's question to the administration, and the administration's answer.

    `draft` while the bot asks the member whether to send a text they typed outside any
    dialogue; `sent` once forwarded to the administrators; `answered` with the answer. While
    an administrator is writing the answer ("Antworten"), `awaiting_admin_id` and
    `awaiting_until` say who and until when: that administrator's next typed text is the answer.
    Personal data of the member: /meine_daten shows it, /austreten erases it (cascade).
    """

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    announcement_id: Mapped[int | None] = mapped_column(
        ForeignKey("announcements.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20))  # draft | sent | answered
    text: Mapped[str] = mapped_column(Text)  # Telegram HTML of the member's message
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)  # the member's message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    answered_by_name: Mapped[str | None] = mapped_column(String(200))
    awaiting_admin_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    awaiting_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
