"""The local Bot API server of the burst benchmark, in a process of its own.

It does not share the bot's event loop (nor its interpreter lock). Commands on stdin, one JSON
line each; answers on stdout, one JSON line each:
  {"limits": true|false}                    → {"port": …, "token": …}   (first line)
  {"fire": N, "first_id": ID, "text": "…"}  → {"latencies": […], "span": s, "retries": k}
`fire` makes users ID … ID+N-1 send `text` at the same moment and waits (with a deadline)
until every one of them got its first answer; latencies are from that moment to the answer.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from bot.localapi import LocalBotApi, RateLimits

ANSWER_DEADLINE = 300.0  # seconds: a fire that is not fully answered by then fails


async def _readline() -> str:
    return await asyncio.to_thread(sys.stdin.readline)


def _say(data: object) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


async def _fire(api: LocalBotApi, count: int, first_id: int, text: str) -> dict[str, object]:
    users = [api.user(first_id + n, f"Mitglied {first_id + n}") for n in range(count)]
    wanted = {user.id for user in users}
    seen = len(api.state.log.records)
    start = time.monotonic()
    for user in users:  # all enqueued before the bot's next getUpdates answer
        await user.send(text, wait=False)
    answered: dict[int, float] = {}
    retries = 0
    deadline = start + ANSWER_DEADLINE
    while len(answered) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {len(answered)} of {count} answered in time")
        await asyncio.sleep(0.005)
        records = api.state.log.records
        for record in records[seen:]:
            if record.method.lower() != "sendmessage" or record.chat_id not in wanted:
                continue
            if record.status == 429:
                retries += 1
            elif record.status == 200 and record.chat_id not in answered:
                answered[record.chat_id] = record.started + record.duration - start
        seen = len(records)
    latencies = sorted(answered.values())
    return {"latencies": latencies, "span": latencies[-1], "retries": retries}


async def main() -> None:
    options = json.loads(await _readline())
    limits = RateLimits() if options["limits"] else RateLimits.off()
    async with LocalBotApi(limits=limits) as api:
        _say({"port": api.port, "token": api.token})
        while line := await _readline():
            command = json.loads(line)
            _say(await _fire(api, command["fire"], command["first_id"], command["text"]))


if __name__ == "__main__":
    asyncio.run(main())
