"""A chat's own bucket in the send budget, shared by replies and bulk sends (and, on
PostgreSQL, by every instance): a private chat gets a short burst, then 1/s; a bulk send to
it leaves a token for the member's reply."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.delivery.budget import (
    PRIVATE_BURST,
    PRIVATE_PER_SECOND,
    DatabaseBudget,
    LocalBudget,
    SendBudget,
)

Sessions = async_sessionmaker[AsyncSession]
CHAT = 4242


def _budgets(sessions: Sessions) -> tuple[SendBudget, SendBudget]:
    """Two instances' budgets: on PostgreSQL two `DatabaseBudget`s on one database, on SQLite
    one process's `LocalBudget` (one instance only)."""
    bind = sessions.kw["bind"]
    if bind.dialect.name == "postgresql":
        return DatabaseBudget(30.0, sessions), DatabaseBudget(30.0, sessions)
    local = LocalBudget(30.0)
    return local, local


async def test_a_chats_replies_go_at_once_then_one_per_second(sessions: Sessions) -> None:
    one, two = _budgets(sessions)
    waits = []
    for n in range(PRIVATE_BURST + 2):  # alternating between the instances
        budget = one if n % 2 == 0 else two
        taken, wait = await budget._take_chat(CHAT, reply=True)
        assert taken
        waits.append(wait)
    period = 1.0 / PRIVATE_PER_SECOND
    assert waits[:PRIVATE_BURST] == [0.0] * PRIVATE_BURST
    assert waits[PRIVATE_BURST] == pytest.approx(period, abs=0.2)
    assert waits[PRIVATE_BURST + 1] == pytest.approx(2 * period, abs=0.2)
    # Another chat is not held up by this one.
    taken, wait = await two._take_chat(CHAT + 1, reply=True)
    assert (taken, wait) == (True, 0.0)


async def test_a_bulk_send_leaves_a_token_for_the_reply(sessions: Sessions) -> None:
    one, two = _budgets(sessions)
    for _ in range(PRIVATE_BURST - 1):
        assert (await one._take_chat(CHAT, reply=False))[0]
    taken, wait = await two._take_chat(CHAT, reply=False)
    assert not taken and wait > 0  # the last token stays for a reply
    assert await two._take_chat(CHAT, reply=True) == (True, 0.0)
