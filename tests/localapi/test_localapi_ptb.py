"""The real python-telegram-bot against the local API: Bot calls and a polling Application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.localapi import CallbackAnswer, Fault, LocalBotApi, RateLimits


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as ptb_bot:
        yield ptb_bot


async def test_start_reply_press_and_answer(
    api: LocalBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    alice = api.user(1001, "Alice", username="alice")
    replies = await alice.send("/start")
    assert [m.text for m in replies] == ["hi"]
    assert replies[0].buttons == [[("Zusage", "rsvp:yes")]]

    changed = await alice.press("Zusage")
    assert changed == [alice.last]
    assert alice.last.text == "Danke für rsvp:yes"
    assert alice.last.html == "<b>Danke</b> für rsvp:yes"
    assert alice.last.edited
    assert alice.last.buttons == []  # the edit did not repeat the keyboard
    assert alice.callback_answers == [CallbackAnswer("got rsvp:yes", False, None, "rsvp:yes")]


async def test_forged_callback_and_settle_defaults(
    api: LocalBotApi,
    ptb_app: Application,  # type: ignore[type-arg]
) -> None:
    alice = api.user(1001, "Alice")
    await alice.send("/start")
    changed = await alice.press_data(alice.last.message_id, "forged:1")
    assert changed[0].text == "Danke für forged:1"
    assert alice.callback_answers[-1].text == "got forged:1"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_surfaces_as_retry_after(api: LocalBotApi, bot: Bot) -> None:
    api.limits = RateLimits.strict()
    api.user(7, "Alice")
    await bot.send_message(7, "eins")
    # (not .retry_after: its type changes in PTB 23 and reading it warns)
    with pytest.raises(RetryAfter, match="Retry in 1 second"):
        await bot.send_message(7, "zwei")


async def test_forbidden_and_bad_request(api: LocalBotApi, bot: Bot) -> None:
    api.user(7, "Alice").block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(7, "x")
    api.user(8, "Bob")
    # PTB capitalises the description: "Can't parse entities: unsupported start tag …"
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(8, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Chat not found"):  # PTB capitalises the text
        await bot.send_message(404, "x")


async def test_injected_faults_as_ptb_errors(api: LocalBotApi) -> None:
    request = HTTPXRequest(read_timeout=0.2)
    api.user(7, "Alice")
    api.inject(7, Fault.bad_gateway(), Fault.timeout(0.5))
    async with Bot(api.token, base_url=api.base_url, request=request) as bot:
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(7, "x")
        with pytest.raises(TimedOut):
            await bot.send_message(7, "y")
    await api.settle(quiet=0.05, timeout=2)
    assert [m.text for m in api.messages(7)] == ["y"]


async def test_documents_both_ways(api: LocalBotApi, bot: Bot) -> None:
    alice = api.user(7, "Alice")
    await bot.send_document(
        7, InputFile(b"a;b\n1;2\n", filename="liste.csv"), caption="<b>Liste</b>", parse_mode="HTML"
    )
    assert alice.last.document == ("liste.csv", b"a;b\n1;2\n")
    assert alice.last.caption == "Liste"

    await alice.send_document("antrag.pdf", b"%PDF-1.7", caption="Mein Antrag", wait=False)
    updates = await bot.get_updates()
    document = updates[-1].message.document if updates[-1].message else None
    assert document is not None
    assert (document.file_name, document.mime_type) == ("antrag.pdf", "application/pdf")
    telegram_file = await document.get_file()
    assert telegram_file.file_path is not None
    assert telegram_file.file_path.startswith(api.base_file_url)
    assert bytes(await telegram_file.download_as_bytearray()) == b"%PDF-1.7"


async def test_commands_and_members_via_ptb(api: LocalBotApi, bot: Bot) -> None:
    alice = api.user(7, "Alice")
    await bot.set_my_commands([BotCommand("start", "Loslegen")])
    await bot.set_my_commands(
        [BotCommand("admin", "Verwalten")], scope=BotCommandScopeChat(7), language_code="de"
    )
    assert api.commands() == [{"command": "start", "description": "Loslegen"}]
    assert api.commands({"type": "chat", "chat_id": 7}, "de")[0]["command"] == "admin"
    scoped = await bot.get_my_commands(scope=BotCommandScopeChat(7), language_code="de")
    assert [c.command for c in scoped] == ["admin"]
    await bot.set_my_description("Der Gremienbot")
    assert api.description() == "Der Gremienbot"

    group = api.group(-100777, "Gremium")
    await group.add_bot(by=alice, by_status="administrator", as_admin=True, wait=False)
    member = await bot.get_chat_member(-100777, 7)
    assert member.status == "administrator"
    chat = await bot.get_chat(-100777)
    assert (chat.type, chat.title) == ("supergroup", "Gremium")
    updates = await bot.get_updates()
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "administrator"
    assert updates[1].message is not None
    assert updates[1].message.new_chat_members[0].username == api.bot_username
    await bot.leave_chat(-100777)
    assert group.bot_left


async def test_every_generated_update_parses(api: LocalBotApi, bot: Bot) -> None:
    alice = api.user(7, "Alice", "Anders", "alice")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="y")]])
    sent = await bot.send_message(7, "Frage?", reply_markup=keyboard)
    await alice.reply(sent.message_id, "Antwort", wait=False)
    await alice.press("Ja", wait=False)
    alice.block()
    alice.unblock()
    group = api.group(-5, "Gremium")
    await group.add_bot(by=alice, wait=False)
    await group.send(alice, "/start@gremienbot_test_bot", wait=False)
    updates: list[Update] = list(await bot.get_updates())
    assert len(updates) == 7
    reply = updates[0].message
    assert reply is not None and reply.reply_to_message is not None
    assert reply.reply_to_message.text == "Frage?"
    assert updates[1].callback_query is not None
    assert updates[1].callback_query.message is not None
    assert updates[2].my_chat_member is not None
    assert updates[2].my_chat_member.new_chat_member.status == "kicked"
    command = updates[6].message
    assert command is not None and command.chat.type == "group"
    assert command.parse_entities() == {command.entities[0]: "/start@gremienbot_test_bot"}
