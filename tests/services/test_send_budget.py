"""The shared send budget: replies to a member's own action go before waiting bulk sends."""

from __future__ import annotations

import asyncio

from bot.services.delivery.budget import LocalBudget


async def test_a_reply_overtakes_waiting_bulk_sends() -> None:
    budget = LocalBudget(rate=100.0)  # small bursts: most bulk sends have to wait
    order: list[str] = []

    async def send(name: str, *, reply: bool) -> None:
        await budget.take(reply=reply)
        order.append(name)

    bulk = [asyncio.create_task(send(f"bulk-{n}", reply=False)) for n in range(60)]
    await asyncio.sleep(0)  # the bulk sends are queued first
    reply = asyncio.create_task(send("reply", reply=True))
    await asyncio.wait_for(asyncio.gather(reply, *bulk), timeout=10)
    assert len(order) == 61
    assert order.index("reply") < 30  # not behind the whole queue of bulk sends
