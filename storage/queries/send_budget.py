"""The bot token's send budget as a token bucket row shared by every instance (PostgreSQL).

One statement per message: refill by the time passed (the database's clock, so instances
with different clocks agree), take one token, return what is left. A reply may go into debt
(it waits for its reserved token); a bulk send takes a token only while more than `reserve`
are left for replies, so replies go first and bulk uses what is left.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_ENSURE = text(
    "INSERT INTO send_budget (bucket, tokens, refilled_at) "
    "VALUES (:bucket, :burst, extract(epoch from clock_timestamp())) "
    "ON CONFLICT (bucket) DO NOTHING"
)
_TAKE = text(
    "WITH now AS (SELECT extract(epoch from clock_timestamp()) AS t) "
    "UPDATE send_budget SET "
    "tokens = LEAST(:burst, tokens + GREATEST(0, now.t - refilled_at) * :rate) - 1, "
    "refilled_at = GREATEST(now.t, refilled_at) "
    "FROM now WHERE bucket = :bucket AND (:debt OR "
    "LEAST(:burst, tokens + GREATEST(0, now.t - refilled_at) * :rate) >= 1 + :reserve) "
    "RETURNING tokens"
)
_LEVEL = text(
    "SELECT LEAST(:burst, tokens + GREATEST(0, extract(epoch from clock_timestamp()) "
    "- refilled_at) * :rate) FROM send_budget WHERE bucket = :bucket"
)


async def take_send_token(
    session: AsyncSession, *, bucket: str, rate: float, burst: float, reserve: float, debt: bool
) -> float:
    """Take one token; returns the seconds to wait before sending (0: at once). For a bulk
    send (`debt=False`) that finds too few tokens nothing is taken and the wait says when to
    ask again."""
    params = {"bucket": bucket, "rate": rate, "burst": burst, "reserve": reserve, "debt": debt}
    left = (await session.execute(_TAKE, params)).scalar_one_or_none()
    if left is None:
        level = (await session.execute(_LEVEL, params)).scalar_one_or_none()
        if level is None:  # first use of this bucket
            await session.execute(_ENSURE, params)
            return 0.0 if debt else 1.0 / rate
        return max(1.0 / rate / 4, (1.0 + reserve - float(level)) / rate)
    return max(0.0, -float(left) / rate)


_TAKE_MANY = text(
    "WITH cur AS (SELECT LEAST(:burst, tokens + GREATEST(0, extract(epoch from "
    "clock_timestamp()) - refilled_at) * :rate) AS level, extract(epoch from "
    "clock_timestamp()) AS t FROM send_budget WHERE bucket = :bucket FOR UPDATE) "
    "UPDATE send_budget SET tokens = cur.level - LEAST(:count, floor(cur.level - :reserve)), "
    "refilled_at = GREATEST(cur.t, send_budget.refilled_at) "
    "FROM cur WHERE send_budget.bucket = :bucket AND cur.level >= 1 + :reserve "
    "RETURNING LEAST(:count, floor(cur.level - :reserve))"
)


async def take_send_tokens(
    session: AsyncSession, *, bucket: str, rate: float, burst: float, reserve: float, count: int
) -> tuple[int, float]:
    """Take up to `count` tokens for bulk sends, leaving `reserve` for replies; returns how
    many were taken and, when none, the seconds to wait before asking again."""
    params = {"bucket": bucket, "rate": rate, "burst": burst, "reserve": reserve, "count": count}
    taken = (await session.execute(_TAKE_MANY, params)).scalar_one_or_none()
    if taken is not None and int(taken) >= 1:
        return int(taken), 0.0
    level = (await session.execute(_LEVEL, params)).scalar_one_or_none()
    if level is None:  # first use of this bucket
        await session.execute(_ENSURE, params)
        return 0, 0.0
    return 0, max(1.0 / rate / 4, (1.0 + reserve - float(level)) / rate)


_TAKE_CHAT = text(
    "WITH now AS (SELECT extract(epoch from clock_timestamp()) AS t) "
    "INSERT INTO send_budget AS b (bucket, tokens, refilled_at) "
    "SELECT :bucket, :burst - 1, now.t FROM now "
    "ON CONFLICT (bucket) DO UPDATE SET "
    "tokens = LEAST(:burst, b.tokens + GREATEST(0, excluded.refilled_at - b.refilled_at) "
    "* :rate) - 1, refilled_at = GREATEST(excluded.refilled_at, b.refilled_at) "
    "WHERE :debt OR LEAST(:burst, b.tokens + GREATEST(0, excluded.refilled_at - b.refilled_at) "
    "* :rate) >= 1 + :reserve "
    "RETURNING b.tokens"
)
_FORGET_IDLE = text(
    "DELETE FROM send_budget WHERE bucket LIKE 'chat:%' "
    "AND refilled_at < extract(epoch from clock_timestamp()) - :idle"
)


async def take_chat_token(
    session: AsyncSession, *, bucket: str, rate: float, burst: float, reserve: float, debt: bool
) -> tuple[bool, float]:
    """One chat's bucket (created full on first use, in the same statement): take one token.
    Returns whether it was taken and the seconds to wait — before sending when taken (a reply,
    `debt=True`, reserves its token ahead), else before asking again."""
    params = {"bucket": bucket, "rate": rate, "burst": burst, "reserve": reserve, "debt": debt}
    left = (await session.execute(_TAKE_CHAT, params)).scalar_one_or_none()
    if left is not None:
        return True, max(0.0, -float(left) / rate)
    level = (await session.execute(_LEVEL, params)).scalar_one_or_none()
    return False, max(0.05, (1.0 + reserve - float(level or 0.0)) / rate)


async def forget_idle_chat_buckets(session: AsyncSession, *, idle: float) -> None:
    """Chat buckets untouched for `idle` seconds are full again: the row can go."""
    await session.execute(_FORGET_IDLE, {"idle": idle})


_DEBIT_CHAT = text(
    "WITH now AS (SELECT extract(epoch from clock_timestamp()) AS t) "
    "INSERT INTO send_budget AS b (bucket, tokens, refilled_at) "
    "SELECT :bucket, :burst - 1, now.t FROM now "
    "ON CONFLICT (bucket) DO UPDATE SET "
    "tokens = LEAST(:burst, b.tokens + GREATEST(0, excluded.refilled_at - b.refilled_at) "
    "* :rate) - 1, refilled_at = GREATEST(excluded.refilled_at, b.refilled_at)"
)


async def debit_chat_tokens(session: AsyncSession, *, debits: list[dict[str, object]]) -> None:
    """Count messages already sent against their chats' buckets (`bucket`, `rate`, `burst`
    each), in one round trip: bulk sends at a paid rate are recorded in batches."""
    if debits:
        await session.execute(_DEBIT_CHAT, debits)
