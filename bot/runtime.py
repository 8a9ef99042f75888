"""What handlers and services share at run time: settings, the database session factory, the
dialogue store and the change notifier (typed attributes, not look-ups by string key)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext

from bot.config import Settings
from storage.engine import create_engine, create_lock_engine, create_session_factory

if TYPE_CHECKING:
    from bot.dialogues.memory import DialogueMemory
    from bot.services.delivery.budget import SendBudget
    from bot.services.importer import Notifier

RUNTIME_KEY = "runtime"
PG_MAX_CONCURRENT_UPDATES = 12

# The bot uses the default context types; the alias keeps signatures short.
BotApplication = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    # The dialogue state of the chats whose updates are being handled (bot/dialogues).
    dialogues: DialogueMemory = field(init=False)
    lock_engine: AsyncEngine | None = field(init=False, default=None)
    # One send budget for replies and the delivery worker's bulk sends (set by bot/app.py).
    send_budget: SendBudget | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        # Imported here: bot.dialogues builds on bot.access, which builds on this module.
        from bot.dialogues.memory import DialogueMemory

        lock_sessions = None
        if self.engine.dialect.name == "postgresql":
            # One lock connection per update in flight (bot/dialogues/processor.py).
            self.lock_engine = create_lock_engine(
                self.settings.database_url,
                connections=min(self.settings.concurrent_updates, PG_MAX_CONCURRENT_UPDATES),
            )
            lock_sessions = create_session_factory(self.lock_engine)
        self.dialogues = DialogueMemory(
            self.sessions, timeout=self.settings.dialogue_timeout, lock_sessions=lock_sessions
        )

    @property
    def concurrent_updates(self) -> int:
        """Updates handled at once. On PostgreSQL each holds a lock connection and the handlers
        share the engine's pool (5 + 10 connections), so fewer run at once there."""
        if self.lock_engine is not None:
            return min(self.settings.concurrent_updates, PG_MAX_CONCURRENT_UPDATES)
        return self.settings.concurrent_updates

    def change_notifier(self, actor_id: int | None) -> Notifier:
        """The notifier for a change made in the chat by `actor_id`: members are told (notices)
        and asked for attendance, inside the change's transaction; the actor is not told (they
        see the result in the dialogue)."""
        from bot.services.attendance import attendance_notifier, combine_notifiers
        from bot.services.notices import change_notifier

        return combine_notifiers(
            [
                change_notifier(self.settings, skip_person_id=actor_id),
                attendance_notifier(self.settings),
            ]
        )

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
        if self.lock_engine is not None:
            await self.lock_engine.dispose()
        await self.engine.dispose()


def get_runtime(context: CallbackContext) -> Runtime:  # type: ignore[type-arg]
    runtime = context.bot_data[RUNTIME_KEY]
    assert isinstance(runtime, Runtime)
    return runtime
