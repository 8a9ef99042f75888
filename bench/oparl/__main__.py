"""Benchmark of the OParl sync: `.venv/bin/python -m bench.oparl [--database-url URL]`.

A body of 10,000 papers, 2,000 meetings and 20,000 agenda items on the local OParl server
(bot/localoparl, in a process of its own, so the figures are the sync's):

1. Baseline: only downloading the same list pages with the same HTTP client (OParlClient, list
   walking included), in the same run.
2. The initial sync into an empty database (SQLite in a temporary file unless --database-url).
   Ratio = baseline time / sync time (goal ≥ 0.7); peak RSS of this process (goal < 300 MB).
3. A second sync with nothing changed: its request count (only list requests with
   modified_since, plus the system and body objects) and what it changed (nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import resource
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.oparl.data import serve
from bot.config import Settings
from bot.services.oparl import OParlClient, sync_oparl
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


async def run(database_url: str | None, sizes: dict[str, int], page_size: int) -> None:
    now = datetime.now(UTC)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(sock, sizes, page_size, now - timedelta(hours=1)), daemon=True
    )
    server.start()
    url = f"http://127.0.0.1:{port}/oparl/v1/system"
    tmp = tempfile.TemporaryDirectory()
    database_url = database_url or f"sqlite+aiosqlite:///{Path(tmp.name) / 'bench.db'}"
    engine = create_engine(database_url)
    try:
        await _wait_ready(url, server)
        await upgrade(engine)
        sessions = create_session_factory(engine)
        settings = Settings(_env_file=None, database_url=database_url, oparl_url=url)
        baseline, objects = await download_only(url)
        client = OParlClient(timeout=30)
        started = time.perf_counter()
        first = await sync_oparl(sessions, settings=settings, client=client, now=now)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        requests_before = client.requests
        second = await sync_oparl(
            sessions, settings=settings, client=client, now=now + timedelta(minutes=5)
        )
        await client.close()
        report = first.report
        print(
            f"body: {sizes['papers']:,} papers, {sizes['meetings']:,} meetings, "
            f"{sizes['meetings'] * sizes['items_per_meeting']:,} agenda items; "
            f"page size {page_size}; {objects:,} list objects"
        )
        print(f"download only:  {baseline:7.1f} s")
        print(
            f"initial sync:   {elapsed:7.1f} s  ({first.requests} requests; "
            f"{len(report.papers.created):,} papers, {len(report.meetings.created):,} meetings "
            "created)"
        )
        print(f"ratio download/sync: {baseline / elapsed:.2f} (goal ≥ 0.7)")
        print(f"peak RSS of the syncing process: {peak:.0f} MB (goal < 300 MB)")
        print(
            f"second, unchanged sync: {client.requests - requests_before} requests "
            f"({second.report.one_line()})"
        )
    finally:
        await engine.dispose()
        server.terminate()
        server.join(10)
        tmp.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.oparl", description=__doc__)
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://postgres@127.0.0.1/x")
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
    asyncio.run(run(args.database_url, sizes, args.page_size))


if __name__ == "__main__":
    main()
