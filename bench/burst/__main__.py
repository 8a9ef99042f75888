"""`python -m bench.burst [--members N] [--imported N] [--database-url …]`

N members (default 100; 1,000 imported) send /tagesordnung at the same moment through the local
Bot API server, which runs in a process of its own.
(a) With Telegram's limits on (30 messages/s): answers per second as a fraction of 30 (goal
    >= 0.9) and the p50/p99 latency from the burst to each answer (goal: p99 within 1 s of
    N/30 s, the time the limit itself needs).
(b) With the limits off (the server's, and the bot's send budget raised to 1,000/s): answers per
    second of the bot as built (chats in parallel) against the same bot handling one update at
    a time (GREMIENBOT_CONCURRENT_UPDATES=1), as a ratio (goal >= 1.5).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import statistics
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bench.delivery.environment import database, scratch_database
from bot.runner import running
from bot.sandbox import sandbox_settings
from bot.services.importer import import_yaml

FIRST_ID = 200_000
TELEGRAM_LIMIT = 30.0
TZ = ZoneInfo("Europe/Berlin")


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.burst", description=__doc__)
    parser.add_argument("--members", type=int, default=100, help="members in the burst")
    parser.add_argument("--imported", type=int, default=1000, help="members in the database")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL to run on a scratch database there (default: SQLite file)",
    )
    return parser.parse_args()


def _import_document(members: int) -> str:
    """The steering group, a session next week with its agenda, and `members` linked members."""
    start = (datetime.now(TZ) + timedelta(days=7)).replace(hour=14, minute=0, second=0)
    return yaml.safe_dump(
        {
            "organizations": [
                {
                    "key": "lenkungsgruppe",
                    "name": "Lenkungsgruppe Sozialstrategie",
                    "kind": "committee",
                },
                {"key": "sozialausschuss", "name": "Sozialausschuss", "kind": "committee"},
            ],
            "meetings": [
                {
                    "key": "sa-next",
                    "organization": "sozialausschuss",
                    "kind": "session",
                    "name": "Sitzung des Sozialausschusses",
                    "start": start.strftime("%Y-%m-%dT%H:%M"),
                    "location": "Landratsamt Konstanz",
                    "public": True,
                    "agenda": [
                        {"number": str(n), "name": f"Tagesordnungspunkt {n}", "public": True}
                        for n in range(1, 9)
                    ],
                }
            ],
            "members": [
                {"name": f"Mitglied {n:05d}", "telegram_id": FIRST_ID + n} for n in range(members)
            ],
        },
        allow_unicode=True,
        sort_keys=False,
    )


@dataclass
class Server:
    process: asyncio.subprocess.Process
    port: int
    token: str

    async def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout=600)
        if not line:
            raise RuntimeError("the local Bot API server process ended")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def fire(self, count: int, first_id: int) -> dict[str, Any]:
        return await self.ask({"fire": count, "first_id": first_id, "text": "/tagesordnung"})


@contextlib.asynccontextmanager
async def server_process(*, limits: bool) -> AsyncIterator[Server]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.burst.server",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        server = Server(process, 0, "")
        hello = await server.ask({"limits": limits})
        server.port, server.token = hello["port"], hello["token"]
        yield server
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), timeout=30)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def bot(server: Server, url: str, **overrides: Any) -> AsyncIterator[None]:
    class Address:  # what sandbox_settings reads from a LocalBotApi
        token = server.token
        base_url = f"http://127.0.0.1:{server.port}/bot"
        base_file_url = f"http://127.0.0.1:{server.port}/file/bot"

    settings = sandbox_settings(Address(), url, **overrides)  # type: ignore[arg-type]
    async with running(settings):
        yield


@dataclass
class Burst:
    count: int
    rate: float
    p50: float
    p99: float
    retries: int


def _burst(result: dict[str, Any]) -> Burst:
    latencies: list[float] = result["latencies"]
    count = len(latencies)
    p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98] if count > 1 else 0.0
    return Burst(
        count=count,
        rate=count / result["span"],
        p50=statistics.median(latencies),
        p99=p99,
        retries=int(result["retries"]),
    )


async def _measure(server: Server, url: str, members: int, **overrides: Any) -> Burst:
    async with bot(server, url, **overrides):
        await server.fire(5, FIRST_ID + members)  # warm up: connections, caches
        return _burst(await server.fire(members, FIRST_ID))


async def _main(args: argparse.Namespace) -> None:
    if args.members + 5 > args.imported:
        raise SystemExit("--imported must be at least --members + 5")
    async with scratch_database(args.database_url) as url:
        async with database(url) as sessions:
            await import_yaml(
                sessions,
                text=_import_document(args.imported),
                source="bench",
                tz=TZ,
                group_key="lenkungsgruppe",
                notify=False,
            )
        engine = url.split(":", 1)[0]
        print(
            f"database: {engine}, {args.imported} members imported; "
            "local Bot API server in a process of its own"
        )
        async with server_process(limits=True) as server:
            limited = await _measure(server, url, args.members)
        floor = args.members / TELEGRAM_LIMIT
        print(f"(a) {args.members} members send /tagesordnung at once, Telegram's limit 30/s")
        print(
            f"    {limited.rate:.1f} answers/s = {limited.rate / TELEGRAM_LIMIT:.2f} of the limit "
            "(goal >= 0.90)"
        )
        print(
            f"    latency p50 {limited.p50:.2f} s, p99 {limited.p99:.2f} s; "
            f"N/30 = {floor:.2f} s (goal: p99 <= {floor + 1:.2f} s); 429 answers: {limited.retries}"
        )
        async with server_process(limits=False) as server:
            # The bot's own send budget (30/s) is a limit too: raised out of the way in both runs.
            sequential = await _measure(
                server, url, args.members, concurrent_updates=1, delivery_rate=1000
            )
            parallel = await _measure(server, url, args.members, delivery_rate=1000)
        print("(b) the same burst, server limits off")
        print(
            f"    one update at a time: {sequential.rate:.1f} answers/s "
            f"(p50 {sequential.p50:.2f} s, p99 {sequential.p99:.2f} s)"
        )
        print(
            f"    chats in parallel:    {parallel.rate:.1f} answers/s "
            f"(p50 {parallel.p50:.2f} s, p99 {parallel.p99:.2f} s)"
        )
        print(
            f"    ratio parallel/sequential: {parallel.rate / sequential.rate:.2f}  (goal >= 1.5)"
        )


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_main(_arguments()))


if __name__ == "__main__":
    main()
