"""Dialogue drafts kept in the database: a Vorlage document being read and checked in a chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Timestamps, UTCDateTime


class DocumentDraft(Timestamps, Base):
    """What the bot read from a document an administrator sent, until it is published.

    Plain values only: the read fields as JSON, the Telegram file_id (the bytes stay at
    Telegram until publishing), and which field awaits a typed correction. One per chat.
    """

    __tablename__ = "document_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_id: Mapped[str] = mapped_column(String(255))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    # The field whose new value the next typed message gives; None: none awaited.
    awaiting: Mapped[str | None] = mapped_column(String(40))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
