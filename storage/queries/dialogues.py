"""The dialogue state of a chat (bot/dialogues): read, write, forget, and the per-chat lock."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DialogueState

# The first key of the two-key advisory lock: this project's per-chat locks, apart from any
# other advisory lock in the database.
CHAT_LOCK_SPACE = 0x67726D  # "grm"


def chat_lock_key(chat_id: int) -> int:
    """The chat id folded into the int4 of the second key; two chats that fold together only
    wait for each other, which is harmless."""
    folded = (chat_id ^ (chat_id >> 31)) & 0x7FFFFFFF
    return folded


async def lock_chat(session: AsyncSession, *, chat_id: int) -> None:
    """Wait for and take the chat's lock until this transaction ends (PostgreSQL only).

    A transaction-level lock (pg_advisory_xact_lock) rather than a session-level one: it is
    released by COMMIT or ROLLBACK, also when the connection is dropped because the process
    died, so a crashed instance can never leave a chat locked.
    """
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :key)"),
        {"space": CHAT_LOCK_SPACE, "key": chat_lock_key(chat_id)},
    )


async def dialogue_state(
    session: AsyncSession, *, chat_id: int, user_id: int
) -> DialogueState | None:
    query = select(DialogueState).where(
        DialogueState.chat_id == chat_id, DialogueState.user_id == user_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def save_dialogue_state(
    session: AsyncSession,
    *,
    chat_id: int,
    user_id: int,
    name: str,
    state: int,
    draft: str,
    replaced: str,
    expires_at: datetime,
) -> None:
    row = await session.get(DialogueState, (chat_id, user_id))
    if row is None:
        session.add(
            DialogueState(
                chat_id=chat_id,
                user_id=user_id,
                name=name,
                state=state,
                draft=draft,
                replaced=replaced,
                expires_at=expires_at,
            )
        )
    else:
        row.name, row.state, row.draft = name, state, draft
        row.replaced, row.expires_at = replaced, expires_at
    await session.flush()


async def forget_dialogue_state(session: AsyncSession, *, chat_id: int, user_id: int) -> None:
    await session.execute(
        delete(DialogueState).where(
            DialogueState.chat_id == chat_id, DialogueState.user_id == user_id
        )
    )


async def forget_dialogues_of(session: AsyncSession, *, telegram_id: int) -> None:
    """Every dialogue of a member: those of their private chat and theirs in any group."""
    await session.execute(
        delete(DialogueState).where(
            or_(DialogueState.chat_id == telegram_id, DialogueState.user_id == telegram_id)
        )
    )


async def forget_expired_dialogues(session: AsyncSession, *, before: datetime) -> None:
    """Rows of dialogues that expired before `before` (chats that never came back)."""
    await session.execute(delete(DialogueState).where(DialogueState.expires_at < before))
