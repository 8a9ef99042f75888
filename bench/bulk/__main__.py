"""Benchmark of the bulk paths: `.venv/bin/python -m bench.bulk [--members N] [--database-url …]`.

Imports a YAML file of N members (default 10,000: a whole Landkreis' councils) into an empty
database through the real import service (validation, upsert, change report, notices, audit),
then imports it again (nothing changes, nobody is told), and once more with every tenth
member's function changed. Goal: the first import of 10,000 members in at most 10 s, on
SQLite and on PostgreSQL (`--database-url postgresql+asyncpg://…` runs on a scratch database
of that server).
"""

from __future__ import annotations

import argparse
import asyncio
import time

import yaml

from bench.delivery.environment import scratch_database
from bot.config import Settings
from bot.runtime import Runtime
from bot.services.attendance import attendance_notifier, combine_notifiers
from bot.services.importer import import_yaml
from bot.services.notices import change_notifier
from storage.migrate import upgrade

GOAL_SECONDS = 10.0


def document(members: int, *, changed_every: int = 0) -> str:
    factions = [f"fraktion-{n}" for n in range(8)]
    data = {
        "organizations": [
            {"key": "lenkungsgruppe", "name": "Lenkungsgruppe", "kind": "committee"},
            *({"key": key, "name": key.title(), "kind": "faction"} for key in factions),
        ],
        "members": [
            {
                "name": f"Mitglied {n:05d}",
                "faction": factions[n % len(factions)],
                "function": (
                    "Stellvertretung" if changed_every and n % changed_every == 0 else "Sprecher"
                ),
                "telegram_id": 10_000_000 + n if n % 2 else None,
            }
            for n in range(members)
        ],
    }
    for member in data["members"]:
        if member["telegram_id"] is None:
            del member["telegram_id"]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


async def _timed_import(runtime: Runtime, text: str) -> tuple[float, str]:
    settings = runtime.settings
    started = time.perf_counter()
    report = await import_yaml(
        runtime.sessions,
        text=text,
        source="bench.yaml",
        tz=settings.tz,
        group_key=settings.group_key,
        notifier=combine_notifiers([change_notifier(settings), attendance_notifier(settings)]),
    )
    return time.perf_counter() - started, report.one_line()


async def main(members: int, database_url: str | None) -> None:
    async with scratch_database(database_url) as url:
        runtime = Runtime.from_settings(Settings(database_url=url))
        try:
            await upgrade(runtime.engine)
            engine = url.split(":", 1)[0]
            first, summary = await _timed_import(runtime, document(members))
            again, same = await _timed_import(runtime, document(members))
            changed, changes = await _timed_import(runtime, document(members, changed_every=10))
        finally:
            await runtime.close()
    print(f"import of {members:,} members on {engine}:")
    print(f"  first import:  {first:6.2f} s   goal <= {GOAL_SECONDS:.0f} s   ({summary})")
    print(f"  same again:    {again:6.2f} s   ({same})")
    print(f"  10% changed:   {changed:6.2f} s   ({changes})")


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk", description=__doc__)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL to run on a scratch database there (default: SQLite file)",
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.members, arguments.database_url))


if __name__ == "__main__":
    cli()
