"""What handlers and services share at run time: settings and the database session factory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext

from bot.config import Settings
from storage.engine import create_engine, create_session_factory

RUNTIME_KEY = "runtime"

# The bot uses the default context types; the alias keeps signatures short.
BotApplication = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        engine = create_engine(settings.database_url)
        return cls(settings=settings, engine=engine, sessions=create_session_factory(engine))

    @property
    def tz(self) -> ZoneInfo:
        return self.settings.tz

    def now(self) -> datetime:
        """The current time, aware, in the configured time zone.

        Its `.date()` is the local day (memberships start and end by local date); stored
        timestamps are converted to UTC by the storage layer.
        """
        return datetime.now(self.tz)

    def today(self) -> date:
        """Today in the configured time zone (memberships start and end by local date)."""
        return datetime.now(self.tz).date()

    async def close(self) -> None:
        await self.engine.dispose()


def get_runtime(context: CallbackContext) -> Runtime:  # type: ignore[type-arg]
    runtime = context.bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    return runtime
