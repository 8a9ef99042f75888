"""The driver: settling, waiting, pressing, groups and rendering, with a real PTB bot."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.localapi import LocalApiTimeout, LocalBotApi, numbered_buttons, render


async def test_settle_names_the_problem_when_nobody_polls(api: LocalBotApi) -> None:
    alice = api.user(7, "Alice")
    with pytest.raises(LocalApiTimeout, match=r"1 update\(s\) not fetched \(is the bot polling"):
        await alice.send("/start", timeout=0.3)
    assert isinstance(LocalApiTimeout("x"), AssertionError)


async def test_wait_for_asynchronous_messages(api: LocalBotApi) -> None:
    alice = api.user(7, "Alice")
    async with Bot(api.token, base_url=api.base_url) as bot:

        async def later() -> None:
            await asyncio.sleep(0.1)
            await bot.send_message(7, "Erinnerung: Sitzung morgen")

        task = asyncio.create_task(later())
        found = await alice.wait_for(lambda m: "Erinnerung" in (m.text or ""), timeout=3)
        await task
    assert found is alice.last
    with pytest.raises(LocalApiTimeout, match="Erinnerung: Sitzung morgen"):
        await alice.wait_for(lambda m: m.text == "nie", timeout=0.1)


async def test_press_finds_newest_button_and_explains_misses(
    api: LocalBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    alice = api.user(7, "Alice")
    await alice.send("/start")
    await alice.send("/start")
    older, newer = alice.messages
    changed = await alice.press("Zus")  # no exact match: substring
    assert changed == [newer]
    assert older.text == "hi"
    with pytest.raises(AssertionError, match="no button 'Absage'") as caught:
        await alice.press("Absage")
    assert "#2 bot: 'hi'" in str(caught.value)


async def test_send_returns_only_this_chats_changes(
    api: LocalBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    alice, bob = api.user(7, "Alice"), api.user(8, "Bob")
    await bob.send("/start")
    replies = await alice.send("/start")
    assert [m.chat.id for m in replies] == [7]
    assert [m.text for m in alice.history] == ["/start", "hi"]
    assert api.log.count(method="sendMessage", chat_id=8) == 1


async def test_group_flow(
    api: LocalBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    alice, bob = api.user(7, "Alice"), api.user(8, "Bob")
    group = api.group(-100123, "Lenkungskreis")
    await group.add_bot(by=alice)
    assert group.bot_status == "member"
    replies = await group.send(bob, "/start@gremienbot_test_bot")
    assert [m.text for m in replies] == ["hi"]
    await group.press(alice, "Zusage")
    assert group.last.text == "Danke für rsvp:yes"
    assert group.messages == [group.last]
    await group.remove_bot(by=alice)
    assert group.bot_left


async def test_blocking_is_seen_by_the_bot(
    api: LocalBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    alice = api.user(7, "Alice")
    alice.block()
    assert await alice.send("/start") == []
    assert api.log.count(method="sendMessage", status=403) == 1
    alice.unblock()
    assert [m.text for m in await alice.send("/start")] == ["hi"]


async def test_render_numbers_buttons(api: LocalBotApi) -> None:
    alice = api.user(7, "Alice")
    async with Bot(api.token, base_url=api.base_url) as bot:
        await bot.send_message(
            7,
            "<b>Sitzung</b> am Montag",
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton("Zusage", callback_data="y"),
                        InlineKeyboardButton("Absage", callback_data="n"),
                    ],
                    [InlineKeyboardButton("Protokoll", url="https://example.org/p")],
                ]
            ),
        )
        await bot.send_message(7, "Noch etwas", reply_markup=InlineKeyboardMarkup([]))
    text = render(alice.messages)
    assert "Sitzung am Montag" in text
    assert "[1] Zusage  [2] Absage" in text
    assert "[3] Protokoll ↗" in text
    numbered = numbered_buttons(alice.messages)
    assert [button.text for _, button in numbered] == ["Zusage", "Absage", "Protokoll"]
    assert numbered[2][1].is_url
