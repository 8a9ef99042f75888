"""The OParl sync's cursor: per source (System or Body URL) what was applied last."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class OParlSource(Base):
    """One followed information system. `synced_from` is the start of the last sync that was
    applied completely: the next sync reads lists `modified_since` a little before it."""

    __tablename__ = "oparl_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    body_oparl_id: Mapped[str | None] = mapped_column(String(500))
    synced_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # OParl ids of the organizations followed at that sync; one added later is synced silently.
    followed: Mapped[list[Any]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
