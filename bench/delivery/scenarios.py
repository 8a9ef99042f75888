"""The two delivery measurements.

throughput: a broadcast through the outbox and the worker (claim, send, mark sent in the
    database) against a bare python-telegram-bot `send_message` loop at the same concurrency,
    both against the local Bot API server with its limits off. The figure is the ratio of
    messages per second (goal ≥ 0.8).
paced: a broadcast under Telegram's real limits (30/s globally, 1/s per chat; the server answers
    429 beyond them): the achieved rate as a fraction of 30/s (goal ≥ 0.95) and the 429s
    provoked (goal: a handful at most).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.constants import ParseMode

from bench.delivery.environment import add_members
from bot.localapi import LocalBotApi
from bot.services.delivery import DeliveryOptions, DeliveryWorker
from bot.services.delivery.budget import send_budget_for
from bot.services.outbox import Notice, enqueue_many

TEXT = "<b>Vorab-Information:</b> Die Präsentation der Beratungsfirmen beginnt um 14 Uhr."
TZ = ZoneInfo("Europe/Berlin")


def _accepted(api: LocalBotApi) -> list[float]:
    """When each accepted sendMessage arrived (server clock, time.monotonic)."""
    return [r.started for r in api.log.records if r.method == "sendMessage" and r.status == 200]


async def _wait_accepted(api: LocalBotApi, count: int, timeout: float) -> None:  # noqa: ASYNC109
    """Wait until `count` messages were accepted, reading only the log's new records (a full
    scan every few milliseconds would slow the bot down that shares this thread)."""
    deadline = time.monotonic() + timeout
    seen = accepted = 0
    while accepted < count:
        records = api.log.records
        end = len(records)
        accepted += sum(
            1 for r in records[seen:end] if r.method == "sendMessage" and r.status == 200
        )
        seen = end
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {accepted} of {count} messages arrived")
        await asyncio.sleep(0.005)


async def bare_loop(bot: Bot, chat_ids: list[int], concurrency: int) -> float:
    """The baseline: `concurrency` tasks calling send_message one after another; msgs/s."""
    pending = iter(chat_ids)

    async def sender() -> None:
        for chat_id in pending:
            await bot.send_message(chat_id, TEXT, parse_mode=ParseMode.HTML)

    started = time.perf_counter()
    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return len(chat_ids) / (time.perf_counter() - started)


async def _enqueue_broadcast(
    sessions: async_sessionmaker[AsyncSession], members: list[tuple[int, int]], event: str
) -> None:
    notices = [
        Notice(event_key=event, chat_id=chat_id, kind="broadcast", text=TEXT, person_id=person_id)
        for person_id, chat_id in members
    ]
    async with sessions.begin() as session:
        await enqueue_many(session, notices)


async def worker_run(
    bot: Bot,
    api: LocalBotApi,
    sessions: async_sessionmaker[AsyncSession],
    members: list[tuple[int, int]],
    event: str,
    options: DeliveryOptions,
) -> tuple[float, DeliveryWorker]:
    """Enqueue a broadcast, then time the worker from its start until the server has every
    message; returns messages per second and the (stopped) worker."""
    await _enqueue_broadcast(sessions, members, event)
    api.log.clear()
    # The budget `gremienbot run` gives the worker (shared with the replies; on PostgreSQL
    # the database's bucket).
    budget = send_budget_for(options.rate, sessions)
    worker = DeliveryWorker(bot=bot, sessions=sessions, timezone=TZ, options=options, budget=budget)
    started = time.perf_counter()
    await worker.start()
    try:
        await _wait_accepted(api, len(members), timeout=600)
        elapsed = time.perf_counter() - started
    finally:
        await worker.stop()
    return len(members) / elapsed, worker


@dataclass(frozen=True)
class Throughput:
    members: int
    concurrency: int
    baseline: list[float]
    worker: list[float]

    @property
    def ratio(self) -> float:
        return max(self.worker) / max(self.baseline)


async def throughput(
    api: LocalBotApi,
    bot: Bot,
    sessions: async_sessionmaker[AsyncSession],
    *,
    members: int,
    concurrency: int,
    rounds: int,
) -> Throughput:
    people = await add_members(sessions, api, members, first_id=1_000_000)
    chat_ids = [chat_id for _, chat_id in people]
    # Rate limits are off in the server; the worker's own pacing is lifted out of the way too.
    options = DeliveryOptions(rate=1_000_000, allow_paid_broadcast=True, concurrency=concurrency)
    await bare_loop(bot, chat_ids[:200], concurrency)  # warm up connections and code paths
    baseline: list[float] = []
    worker: list[float] = []
    for round_number in range(rounds):  # alternated, so drift hits both alike
        baseline.append(await bare_loop(bot, chat_ids, concurrency))
        rate, _ = await worker_run(bot, api, sessions, people, f"bench:{round_number}", options)
        worker.append(rate)
    return Throughput(members, concurrency, baseline, worker)


@dataclass(frozen=True)
class Paced:
    members: int
    limit: float
    rate: float  # accepted messages per second, first to last arrival at the server
    end_to_end: float  # members / time from the worker's start until the last arrival
    too_many_requests: int

    @property
    def fraction(self) -> float:
        return self.rate / self.limit


async def paced(
    api: LocalBotApi,
    bot: Bot,
    sessions: async_sessionmaker[AsyncSession],
    *,
    members: int,
    limit: float,
) -> Paced:
    people = await add_members(sessions, api, members, first_id=2_000_000)
    api.reset_limits()
    end_to_end, _ = await worker_run(
        bot, api, sessions, people, "bench:paced", DeliveryOptions(rate=limit)
    )
    arrivals = sorted(_accepted(api))
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    return Paced(members, limit, rate, end_to_end, api.log.too_many_requests)
