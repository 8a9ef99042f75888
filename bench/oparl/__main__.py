"""Benchmark of the OParl sync: `.venv/bin/python -m bench.oparl [--database-url URL]`.

A body of 10,000 papers, 2,000 meetings and 20,000 agenda items on the local OParl server
(bot/localoparl, in a process of its own, so the figures are the sync's). Each of `--rounds`
rounds (default 3) measures, side by side, since the machine's load changes both:

1. Baseline: only downloading the same list pages with the same HTTP client (OParlClient, list
   walking included).
2. The initial sync into a new, empty database (a SQLite file, or with --database-url a
   database of its own on that PostgreSQL server). Ratio = baseline time / sync time.
3. A second sync with nothing changed: its request count (only list requests with
   modified_since, plus the system and body objects) and what it changed (nothing).

Printed: each round, the median ratio (goal ≥ 0.7), the peak RSS of this process (goal
< 300 MB) and the second sync's request count.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.delivery.environment import scratch_database
from bench.oparl.data import serve
from bot.config import Settings
from bot.services.oparl import OParlClient, SyncResult, sync_oparl
from bot.services.oparl.lists import walk
from bot.services.oparl.service import find_body
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade


async def _wait_ready(url: str, server: Any) -> None:
    client = OParlClient(timeout=30, attempts=1)
    try:
        async with asyncio.timeout(600):
            while True:
                if not server.is_alive():
                    raise RuntimeError("the OParl server process ended")
                try:
                    await client.get_json(url)
                    return
                except Exception:
                    await asyncio.sleep(0.5)
    finally:
        await client.close()


async def download_only(url: str) -> tuple[float, int]:
    client = OParlClient(timeout=30)
    try:
        started = time.perf_counter()
        body = await find_body(client, url, None)
        objects = 0
        for name in ("organization", "paper", "meeting"):
            async for page in walk(client, body[name], since=None):
                objects += len(page)
        return time.perf_counter() - started, objects
    finally:
        await client.close()


async def sync_round(
    url: str, database_url: str, settings_now: datetime
) -> tuple[float, float, SyncResult, SyncResult, int, int]:
    """One initial sync into a new database and a second, unchanged one: (sync time, peak
    RSS in MB, first result, second result, requests of the first, requests of the second)."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = create_session_factory(engine)
        settings = Settings(_env_file=None, database_url=database_url, oparl_url=url)
        client = OParlClient(timeout=30)
        try:
            started = time.perf_counter()
            first = await sync_oparl(sessions, settings=settings, client=client, now=settings_now)
            elapsed = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            requests_before = client.requests
            second = await sync_oparl(
                sessions, settings=settings, client=client, now=settings_now + timedelta(minutes=5)
            )
            return (
                elapsed,
                peak,
                first,
                second,
                requests_before,
                client.requests - requests_before,
            )
        finally:
            await client.close()
    finally:
        await engine.dispose()


async def run(server_url: str | None, sizes: dict[str, int], page_size: int, rounds: int) -> None:
    now = datetime.now(UTC)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(sock, sizes, page_size, now - timedelta(hours=1)), daemon=True
    )
    server.start()
    url = f"http://127.0.0.1:{port}/oparl/v1/system"
    try:
        await _wait_ready(url, server)
        print(
            f"body: {sizes['papers']:,} papers, {sizes['meetings']:,} meetings, "
            f"{sizes['meetings'] * sizes['items_per_meeting']:,} agenda items; "
            f"page size {page_size}; " + ("SQLite" if server_url is None else "PostgreSQL")
        )
        ratios: list[float] = []
        for number in range(1, rounds + 1):
            # Download and sync side by side in each round: the machine's load changes both.
            baseline, objects = await download_only(url)
            async with scratch_database(server_url) as database_url:
                elapsed, peak, first, second, requests, again = await sync_round(
                    url, database_url, now
                )
            ratios.append(baseline / elapsed)
            report = first.report
            print(
                f"round {number}: download only {baseline:5.2f} s ({objects:,} list objects), "
                f"initial sync {elapsed:5.2f} s ({requests} requests; "
                f"{len(report.papers.created):,} papers, "
                f"{len(report.meetings.created):,} meetings created), "
                f"ratio {baseline / elapsed:.2f}"
            )
        print(
            f"ratio download/sync, median of {rounds}: {statistics.median(ratios):.2f} (goal ≥ 0.7)"
        )
        print(f"peak RSS of the syncing process: {peak:.0f} MB (goal < 300 MB)")
        print(f"second, unchanged sync: {again} requests ({second.report.one_line()})")
    finally:
        server.terminate()
        server.join(10)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.oparl", description=__doc__)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server, e.g. postgresql+asyncpg://postgres@127.0.0.1/postgres: each "
        "round syncs into a database of its own there, dropped afterwards",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=2_000)
    parser.add_argument("--items-per-meeting", type=int, default=10)
    parser.add_argument("--page-size", type=int, default=100)
    args = parser.parse_args(argv)
    sizes: dict[str, Any] = {
        "papers": args.papers,
        "meetings": args.meetings,
        "items_per_meeting": args.items_per_meeting,
    }
    asyncio.run(run(args.database_url, sizes, args.page_size, args.rounds))


if __name__ == "__main__":
    main()
