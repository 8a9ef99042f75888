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
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogues.drafts import decode_draft, dumps, encode_draft, loads
from storage.queries.dialogues import (
    dialogue_state,
    forget_dialogue_state,
    lock_chat,
    save_dialogue_state,
)

Key = tuple[int, int]  # (chat id, user id), python-telegram-bot's conversation key
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
        # PostgreSQL (`lock_sessions` given): the chat's advisory lock is held, in a connection
        # of its own pool, while its update runs. SQLite: one instance, no lock.
        self.sessions = lock_sessions or sessions
        self.lock = lock_sessions is not None
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

    def begin(self, key: Key, name: str, cls: type[D]) -> D:
        """Make `name` the current dialogue with a fresh draft."""
        slot = self.slot(key)
        if slot.current is not None and slot.current.name == name:
            slot.current.draft = {}
        slot.typed = None
        return self.draft(key, name, cls)

    @contextlib.asynccontextmanager
    async def handling(self, key: Key, *, now: datetime) -> AsyncIterator[Slot]:
        """Load the chat's dialogue, yield while its update is handled, then save it.

        On PostgreSQL the transaction that loads the row holds the chat's advisory lock until
        the row is written back, so an update of the same chat on another instance waits and
        then reads the new state. SQLite is single-instance: the transaction ends at once, so
        no write lock is held while the handlers run.
        """
        async with self.sessions() as session:
            if self.lock:
                await lock_chat(session, chat_id=key[0])
            slot = await self._load(session, key, now=now)
            if not self.lock:
                await session.commit()
            self.slots[key] = slot
            try:
                yield slot
            finally:
                self.slots.pop(key, None)
            if slot.changed:
                await self._save(session, key, slot, now=now)
            await session.commit()

    async def _load(self, session: AsyncSession, key: Key, *, now: datetime) -> Slot:
        row = await dialogue_state(session, chat_id=key[0], user_id=key[1])
        if row is None:
            return Slot(current=None)
        if row.expires_at <= now:
            await forget_dialogue_state(session, chat_id=key[0], user_id=key[1])
            # A row without a running dialogue only remembers replaced ones: no note.
            return Slot(current=None, expired=row.name if row.state >= 0 else None)
        current = Current(
            name=row.name,
            state=row.state,
            draft=loads(row.draft),
            replaced=[str(name) for name in json.loads(row.replaced)],
        )
        return Slot(current=current)

    async def _save(self, session: AsyncSession, key: Key, slot: Slot, *, now: datetime) -> None:
        current = slot.current
        if current is None or (current.state < 0 and not current.replaced):
            await forget_dialogue_state(session, chat_id=key[0], user_id=key[1])
        else:
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
                expires_at=now.astimezone(UTC) + self.timeout,
            )


def _replaced(current: Current | None) -> list[str]:
    if current is None:
        return []
    return [*current.replaced, current.name][-5:] if current.state >= 0 else current.replaced
