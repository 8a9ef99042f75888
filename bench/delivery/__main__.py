"""`python -m bench.delivery [--members N] [--concurrency N] [--paced-members N] [--database-url …]`

Prints the worker's throughput as a ratio to a bare send loop, and its paced rate under
Telegram's limits as a fraction of the limit, with the 429s it provoked.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from bench.delivery.environment import database, scratch_database, server_thread, telegram_bot
from bench.delivery.scenarios import paced, throughput
from bot.localapi import RateLimits


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__)
    parser.add_argument("--members", type=int, default=2000, help="throughput broadcast size")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--rounds", type=int, default=2, help="throughput rounds (best counts)")
    parser.add_argument("--paced-members", type=int, default=300, help="paced broadcast size")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL to run on a scratch database there (default: SQLite file)",
    )
    return parser.parse_args()


async def _main(args: argparse.Namespace) -> None:
    async with scratch_database(args.database_url) as url:
        engine_name = url.split(":", 1)[0]
        print(f"database: {engine_name}; local Bot API server in its own thread")
        with server_thread(RateLimits.off()) as api:
            async with telegram_bot(api) as bot, database(url) as sessions:
                result = await throughput(
                    api,
                    bot,
                    sessions,
                    members=args.members,
                    concurrency=args.concurrency,
                    rounds=args.rounds,
                )
        baseline = ", ".join(f"{r:.0f}" for r in result.baseline)
        worker = ", ".join(f"{r:.0f}" for r in result.worker)
        print(
            f"(a) throughput, {result.members} members, concurrency {result.concurrency}, "
            "server limits off"
        )
        print(f"    bare send_message loop: {baseline} msgs/s")
        print(f"    outbox + worker:        {worker} msgs/s")
        print(f"    ratio worker/baseline:  {result.ratio:.2f}  (goal >= 0.80)")

        with server_thread(RateLimits()) as api:  # Telegram's limits: 30/s, 1/s per chat
            async with telegram_bot(api) as bot, database(url) as sessions:
                limited = await paced(api, bot, sessions, members=args.paced_members, limit=30.0)
        print(f"(b) paced, {limited.members} members, Telegram's limit {limited.limit:.0f}/s")
        print(
            f"    achieved {limited.rate:.2f} msgs/s = {limited.fraction:.3f} of the limit "
            f"(goal >= 0.95); end to end {limited.end_to_end:.2f} msgs/s"
        )
        print(f"    429 answers provoked: {limited.too_many_requests}  (goal: a handful at most)")


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(_main(_arguments()))


if __name__ == "__main__":
    main()
