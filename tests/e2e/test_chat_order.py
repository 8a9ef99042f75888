"""Chats in parallel, each chat in order (bot/dialogues/processor.py).

One chat sends 20 commands in a burst while 50 other chats each send one: the busy chat's
answers come in the order it asked, and the other chats are answered while it is still busy,
not after it (python-telegram-bot's default, one update after the other in arrival order,
would answer all 20 of the busy chat's updates, which arrived first, before any other chat's).
"""

from __future__ import annotations

from bot.localapi import LocalBotApi, RateLimits
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot

BUSY = 700
OTHERS = range(800, 850)


async def test_one_chat_in_order_while_fifty_others_are_not_held_up(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    api.state.limiter.limits = RateLimits.off()  # the order is the point here, not the pace
    await add_member("Busy Berta", BUSY)
    for user_id in OTHERS:
        await add_member(f"Member {user_id}", user_id)
    await start_bot()
    busy = api.user(BUSY, "Berta")
    others = [api.user(user_id, f"M{user_id}") for user_id in OTHERS]

    for number in range(1, 21):
        await busy.send(f"/suche wort{number:02d}", wait=False)
    for other in others:
        await other.send(f"/suche anders{other.id}", wait=False)
    await api.settle(timeout=60)

    expected = [f"Zu „wort{number:02d}“ habe ich nichts gefunden." for number in range(1, 21)]
    assert [message.text for message in busy.messages] == expected
    for other in others:
        assert [m.text for m in other.messages] == [
            f"Zu „anders{other.id}“ habe ich nichts gefunden."
        ]
    sent = [record.chat_id for record in api.state.log.select(method="sendMessage")]
    last_busy = max(index for index, chat_id in enumerate(sent) if chat_id == BUSY)
    answered_meanwhile = {chat_id for chat_id in sent[:last_busy] if chat_id != BUSY}
    assert len(answered_meanwhile) >= len(OTHERS) // 2, (len(answered_meanwhile), sent)
