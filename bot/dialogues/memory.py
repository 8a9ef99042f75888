"""The dialogue state of the chats whose updates are being handled right now.

The processor (bot/dialogues/processor.py) loads a chat's row from the database before its
update is handled and writes it back before the chat's next update is taken (on PostgreSQL in
the transaction that holds the chat's lock, so another instance waits for it). While the update
is handled, python-telegram-bot's synchronous `check_update` reads the state from here
(bot/dialogues/conversation.py): no dialogue state lives in process memory between updates.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogues.drafts import decode_draft, dumps, encode_draft, loads
from storage.queries.dialogues import (
    dialogue_state,
    forget_dialogue_state,
    forget_expired_dialogues,
    lock_chat,
    save_dialogue_state,
)

log = logging.getLogger(__name__)
FORGET_AFTER = timedelta(days=7)
Key = tuple[int, int]  # (chat id, user id), python-telegram-bot's conversation key
# The chat and user whose update the current task handles (set by the processor).
HANDLING: ContextVar[Key | None] = ContextVar("dialogue_handling", default=None)
D = TypeVar("D")


@dataclass
class Current:
    """The dialogue a chat and user are in: its name, step, draft (JSON) and the dialogues it
    replaced (so that their old buttons can say so)."""

    name: str
    state: int
    draft: dict[str, Any] = field(default_factory=dict)
    replaced: list[str] = field(default_factory=list)


@dataclass
class Slot:
    """One chat and user while one of their updates is handled."""

    current: Current | None
    changed: bool = False
    expired: str | None = None  # the name of a dialogue found expired at load
    typed: Any = None  # the typed draft handed out during this update (written back at save)


class DialogueMemory:
    """One per application; holds only the slots of updates in flight."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        timeout: float,
        lock_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.sessions = sessions
        # PostgreSQL: the chat's advisory lock is held, in a connection of its own pool, while
        # its update runs. SQLite has one instance only: no lock.
        self.lock_sessions = lock_sessions
        self.timeout = timedelta(seconds=timeout)
        self.slots: dict[Key, Slot] = {}

    def slot(self, key: Key) -> Slot:
        found = self.slots.get(key)
        if found is None:  # an update that bypassed the processor: no stored dialogue
            found = self.slots[key] = Slot(current=None)
        return found

    def switch(self, key: Key, name: str) -> Current:
        """Make `name` the current dialogue (replacing another one) and return it."""
        slot = self.slot(key)
        if slot.current is None or slot.current.name != name:
            slot.current = Current(name=name, state=-1, replaced=_replaced(slot.current))
            slot.typed = None
        slot.changed = True
        return slot.current

    def draft(self, key: Key, name: str, cls: type[D]) -> D:
        """The typed draft of dialogue `name` (a new one if `name` is not current)."""
        self.switch(key, name)
        slot = self.slot(key)
        assert slot.current is not None
        if not isinstance(slot.typed, cls):
            slot.typed = decode_draft(cls, slot.current.draft)
        slot.changed = True
        return slot.typed

    def begin(self, key: Key, name: str, cls: type[D], state: int = -1) -> D:
        """Make `name` the current dialogue with a fresh draft (at `state`, if given)."""
        slot = self.slot(key)
        if slot.current is not None and slot.current.name == name:
            slot.current.draft = {}
        slot.typed = None
        fresh = self.draft(key, name, cls)
        if state >= 0:
            self.switch(key, name).state = state
        return fresh

    @contextlib.asynccontextmanager
    async def handling(self, key: Key, *, now: datetime) -> AsyncIterator[Slot]:
        """Load the chat's dialogue, yield while its update is handled, then save it.

        PostgreSQL: a transaction-level advisory lock on the chat (pg_advisory_xact_lock) is
        taken first and held until the new state is committed, so an update of the same chat
        on another instance waits for it and then reads the new state. Transaction-level, not
        session-level: it cannot outlive the update (a dead process's connection drops and the
        lock with it; a pooled connection is never handed on still holding it). The lock's
        transaction only locks; the row is read and written in short transactions of their
        own, so a write never waits for a row lock of the update's own lock transaction, and
        a step's state can be committed before its answer is sent (`save_early`).
        """
        async with contextlib.AsyncExitStack() as stack:
            if self.lock_sessions is not None:
                lock = await stack.enter_async_context(self.lock_sessions())
                await lock_chat(lock, chat_id=key[0])
            slot = await self._load(key, now=now)
            self.slots[key] = slot
            try:
                yield slot
            finally:
                self.slots.pop(key, None)
            if slot.changed:
                await self._write(key, slot)
                await self._purge()

    async def _purge(self) -> None:
        """Rows of chats that never came back after their dialogue expired go after a week
        (until then their next message still gets the timeout note). Cheap (an index range,
        only when a dialogue changed) and in a transaction of its own: a purge that fails, e.g.
        meeting another instance's purge, costs nothing but a log line."""
        try:
            async with self.sessions.begin() as session:
                await forget_expired_dialogues(session, before=datetime.now(UTC) - FORGET_AFTER)
        except SQLAlchemyError:
            log.warning("could not purge expired dialogues", exc_info=True)

    async def save_early(self) -> None:
        """Store the dialogue of the update this task handles, as it is now: called before the
        bot sends anything (bot/dialogues/processor.py), so the step an answer asks for is
        stored when the member sees it and survives a crash right after it."""
        key = HANDLING.get()
        slot = self.slots.get(key) if key is not None else None
        if key is not None and slot is not None and slot.changed:
            await self._write(key, slot)

    async def _load(self, key: Key, *, now: datetime) -> Slot:
        async with self.sessions() as session:
            row = await dialogue_state(session, chat_id=key[0], user_id=key[1])
            if row is None:
                return Slot(current=None)
            if row.expires_at <= now:
                await forget_dialogue_state(session, chat_id=key[0], user_id=key[1])
                await session.commit()
                # A row without a running dialogue only remembers replaced ones: no note.
                return Slot(current=None, expired=row.name if row.state >= 0 else None)
        current = Current(
            name=row.name,
            state=row.state,
            draft=loads(row.draft),
            replaced=[str(name) for name in json.loads(row.replaced)],
        )
        return Slot(current=current)

    async def _write(self, key: Key, slot: Slot) -> None:
        current = slot.current
        async with self.sessions.begin() as session:
            if current is None or (current.state < 0 and not current.replaced):
                await forget_dialogue_state(session, chat_id=key[0], user_id=key[1])
                return
            if slot.typed is not None:
                current.draft = encode_draft(slot.typed)
            await save_dialogue_state(
                session,
                chat_id=key[0],
                user_id=key[1],
                name=current.name,
                state=current.state,
                draft=dumps(current.draft),
                replaced=json.dumps(current.replaced),
                expires_at=datetime.now(UTC) + self.timeout,
            )


def _replaced(current: Current | None) -> list[str]:
    if current is None:
        return []
    return [*current.replaced, current.name][-5:] if current.state >= 0 else current.replaced
