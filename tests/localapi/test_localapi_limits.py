"""Flood limits, fault injection and the request log, over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

from bot.localapi import Fault, LocalBotApi, RateLimits
from bot.localapi.limits import RateLimiter

Call = Callable[..., Awaitable[httpx.Response]]


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_buckets_with_a_fake_clock() -> None:
    clock = FakeClock()
    limiter = RateLimiter(RateLimits(), clock)
    assert [limiter.acquire(7, is_group=False) for _ in range(4)] == [0, 0, 0, 1]
    clock.now += 1.0
    assert limiter.acquire(7, is_group=False) == 0  # one send per second refills
    assert limiter.acquire(8, is_group=False) == 0  # other chats have their own bucket
    group = [limiter.acquire(-5, is_group=True) for _ in range(21)]
    assert group[:20] == [0] * 20
    assert group[20] == 3  # 20 per minute: the next slot is 3 s away
    limiter.limits.enabled = False
    assert limiter.acquire(-5, is_group=True) == 0


def test_global_limit() -> None:
    limiter = RateLimiter(RateLimits(global_per_second=30, global_burst=30), FakeClock())
    results = [limiter.acquire(chat, is_group=False) for chat in range(31)]
    assert results[:30] == [0] * 30
    assert results[30] == 1


async def test_private_chat_limit_over_http(api: LocalBotApi, call: Call) -> None:
    api.limits = RateLimits()  # the defaults: 1/s per private chat with a burst of 3
    api.user(7, "Alice")
    statuses = [(await call("sendMessage", chat_id=7, text="x")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = (await call("sendMessage", chat_id=7, text="x")).json()
    assert refused == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    # edits are not limited
    edit = await call("editMessageText", chat_id=7, message_id=1, text="y")
    assert edit.status_code == 200
    assert api.log.too_many_requests == 2
    assert api.log.count(method="sendMessage", status=200) == 3


async def test_limits_change_at_run_time(api: LocalBotApi, call: Call) -> None:
    api.limits = RateLimits.strict()  # 1/s, no burst
    api.user(7, "Alice")
    assert (await call("sendMessage", chat_id=7, text="a")).status_code == 200
    assert (await call("sendMessage", chat_id=7, text="b")).status_code == 429
    api.limits.enabled = False
    assert (await call("sendMessage", chat_id=7, text="c")).status_code == 200


async def test_group_limit_and_invalid_sends_cost_nothing(api: LocalBotApi, call: Call) -> None:
    api.limits = RateLimits(group_per_minute=20, group_burst=2)
    alice = api.user(7, "Alice")
    await api.group(-5, "Gremium").add_bot(by=alice, wait=False)
    assert (await call("sendMessage", chat_id=-5, text="")).status_code == 400
    codes = [(await call("sendMessage", chat_id=-5, text="x")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert (await call("sendMessage", chat_id=-5, text="x")).json()["parameters"] == {
        "retry_after": 3
    }


async def test_injected_faults_in_order(api: LocalBotApi, call: Call) -> None:
    api.user(7, "Alice")
    api.inject(7, Fault.too_many_requests(7), Fault.server_error(500), Fault.bad_gateway())
    first = await call("sendMessage", chat_id=7, text="x")
    assert first.status_code == 429
    assert first.json()["parameters"] == {"retry_after": 7}
    assert first.json()["description"] == "Too Many Requests: retry after 7"
    second = await call("sendMessage", chat_id=7, text="x")
    assert (second.status_code, second.json()["description"]) == (500, "Internal Server Error")
    assert (await call("getMe")).status_code == 200  # not a send: faults wait
    third = await call("sendMessage", chat_id=7, text="x")
    assert (third.status_code, third.json()["description"]) == (502, "Bad Gateway")
    assert (await call("sendMessage", chat_id=7, text="x")).status_code == 200
    assert api.messages(7)[-1].text == "x"
    assert len(api.messages(7)) == 1  # faulted sends delivered nothing
    assert api.log.count(injected=True) == 3
    assert api.log.status_counts()[429] == 1


async def test_timeout_fault_then_ok_or_error(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    api.user(7, "Alice")
    api.inject(7, Fault.timeout(0.3), Fault.timeout(0.2, then_status=502))
    with pytest.raises(httpx.ReadTimeout):
        await client.post("sendMessage", json={"chat_id": 7, "text": "late"}, timeout=0.1)
    await api.settle(quiet=0.05, timeout=2)
    # the client gave up, but the message went out: the duplicate-send hazard
    assert [m.text for m in api.messages(7)] == ["late"]
    started = time.monotonic()
    slow = await client.post("sendMessage", json={"chat_id": 7, "text": "never"})
    assert time.monotonic() - started >= 0.2
    assert slow.status_code == 502
    assert [m.text for m in api.messages(7)] == ["late"]


async def test_edit_faults_on_request(api: LocalBotApi, call: Call) -> None:
    api.user(7, "Alice")
    await call("sendMessage", chat_id=7, text="v1")
    api.inject(7, Fault.server_error(502), methods=["editMessageText"])
    assert (await call("sendMessage", chat_id=7, text="v2")).status_code == 200
    edit = await call("editMessageText", chat_id=7, message_id=1, text="v3")
    assert edit.status_code == 502


async def test_random_faults_are_seeded(api: LocalBotApi, call: Call) -> None:
    api.user(7, "Alice")

    async def run() -> list[int]:
        api.inject_random(0.3, Fault.too_many_requests(1), Fault.bad_gateway(), seed=42)
        return [(await call("sendMessage", chat_id=7, text="x")).status_code for _ in range(30)]

    first, second = await run(), await run()
    assert first == second
    assert 3 <= sum(code != 200 for code in first) <= 18
    assert set(first) <= {200, 429, 502}
    api.clear_faults()
    assert (await call("sendMessage", chat_id=7, text="x")).status_code == 200
