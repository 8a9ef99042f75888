"""Tables of running several instances: feed change counters, job periods, the send budget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime


class FeedVersion(Base):
    """A change counter of one feed scope, raised with every change a feed could show."""

    __tablename__ = "feed_versions"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class JobPeriod(Base):
    """One period of a periodic job, claimed by the instance that runs it."""

    __tablename__ = "job_periods"

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    claimed_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SendBudget(Base):
    """A token bucket of the bot token's send budget (tokens left, when last refilled)."""

    __tablename__ = "send_budget"

    bucket: Mapped[str] = mapped_column(String(64), primary_key=True)
    tokens: Mapped[float]
    refilled_at: Mapped[float]
