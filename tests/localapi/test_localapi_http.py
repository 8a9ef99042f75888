"""Telegram's rules enforced over real HTTP (httpx), in every request encoding."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx
import pytest

from bot.localapi import LocalBotApi

Call = Callable[..., Awaitable[httpx.Response]]

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def error_of(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return response.status_code, body["description"]


async def test_get_me_and_routing(api: LocalBotApi, client: httpx.AsyncClient) -> None:
    me = (await client.get("getme")).json()  # method names are case-insensitive
    assert me["ok"] is True
    assert me["result"]["username"] == "gremienbot_test_bot"
    assert me["result"]["first_name"] == "Gremienbot"
    assert me["result"]["is_bot"] is True
    async with httpx.AsyncClient() as other:
        wrong = await other.get(f"{api.base_url}999:wrong/getMe")
    assert error_of(wrong) == (401, "Unauthorized")
    assert error_of(await client.post("fooBar")) == (404, "Not Found: method not found")


async def test_all_encodings_are_understood(
    call: Call, api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    api.user(7, "Alice")
    keyboard = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    query = await client.get("sendMessage", params={"chat_id": "7", "text": "via GET"})
    form = await client.post(
        "sendMessage",
        data={"chat_id": "7", "text": "123", "reply_markup": json.dumps(keyboard)},
    )
    body = await call("sendMessage", chat_id=7, text="json", disable_notification=True)
    multipart = await client.post(
        "sendMessage",
        data={"chat_id": "7", "text": "true"},
        files={"unused": ("x.txt", b"x")},
    )
    for response in (query, form, body, multipart):
        assert response.status_code == 200, response.text
    # strings stay strings even when they look like JSON
    assert [m.text for m in api.messages(7)] == ["via GET", "123", "json", "true"]
    assert api.messages(7)[1].buttons == [[("A", "a")]]
    assert api.messages(7)[2].disable_notification is True


async def test_text_rules(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    api.user(7, "Alice")
    cases = [
        ({"text": ""}, "Bad Request: message text is empty"),
        ({"text": " \n "}, "Bad Request: message text is empty"),
        ({"text": "<b> </b>", "parse_mode": "HTML"}, "Bad Request: message text is empty"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        ({"text": "😀" * 2049}, "Bad Request: message is too long"),  # UTF-16: 4098 units
        (
            {"text": "<b>x", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            {"text": "Hallo <br>", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 6',
        ),
    ]
    for params, description in cases:
        assert error_of(await call("sendMessage", chat_id=7, **params)) == (
            400,
            description,
        )
    long_markup = "<b>" + "x" * 4096 + "</b>"  # the limit counts text after parsing
    ok = await call("sendMessage", chat_id=7, text=long_markup, parse_mode="HTML")
    assert ok.status_code == 200
    assert api.messages(7)[-1].html == long_markup
    await call("sendMessage", chat_id=7, text="  Hallo\n")  # Telegram trims texts
    assert api.messages(7)[-1].text == "Hallo"


async def test_keyboard_rules(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    api.user(7, "Alice")

    async def send(*buttons: dict[str, str]) -> httpx.Response:
        markup = {"inline_keyboard": [list(buttons)]}
        return await call("sendMessage", chat_id=7, text="k", reply_markup=markup)

    assert error_of(await send({"text": "x", "callback_data": "d" * 65})) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )
    assert error_of(await send({"text": "x", "callback_data": "ä" * 33})) == (  # 66 bytes
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )
    assert error_of(await send({"text": "x", "callback_data": ""}))[0] == 400
    _, text_only = error_of(await send({"text": "x"}))
    assert "Text buttons are unallowed in the inline keyboard" in text_only
    _, both = error_of(await send({"text": "x", "callback_data": "a", "url": "https://a.b"}))
    assert "exactly one" in both
    many = [{"text": str(i), "callback_data": str(i)} for i in range(101)]
    assert error_of(await send(*many)) == (400, "Bad Request: BUTTONS_TOO_MUCH")
    assert (await send(*many[:100])).status_code == 200
    assert (await send({"text": "x", "callback_data": "d" * 64})).status_code == 200


async def test_chat_states(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    api.user(7, "Alice").block()
    api.user(8, "Bob").deactivate()
    api.user(9, "Carol", started=False)
    expected = {
        7: (403, "Forbidden: bot was blocked by the user"),
        8: (403, "Forbidden: user is deactivated"),
        9: (403, "Forbidden: bot can't initiate conversation with a user"),
        404: (400, "Bad Request: chat not found"),
    }
    for chat_id, error in expected.items():
        assert error_of(await call("sendMessage", chat_id=chat_id, text="x")) == error
    group = api.group(-100123, "Gremium")
    _, not_member = error_of(await call("sendMessage", chat_id=group.chat_id, text="x"))
    assert not_member == "Forbidden: bot is not a member of the supergroup chat"


async def test_edit_rules(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    api.user(7, "Alice")
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    sent = await call("sendMessage", chat_id=7, text="v1", reply_markup=markup)
    message_id = sent.json()["result"]["message_id"]
    assert sent.json()["result"]["reply_markup"] == markup

    same = await call(
        "editMessageText", chat_id=7, message_id=message_id, text="v1", reply_markup=markup
    )
    assert error_of(same) == (400, NOT_MODIFIED)
    missing = await call("editMessageText", chat_id=7, message_id=999, text="x")
    assert error_of(missing) == (400, "Bad Request: message to edit not found")

    # like Telegram, an edit without reply_markup drops the keyboard
    edited = await call("editMessageText", chat_id=7, message_id=message_id, text="v2")
    assert edited.status_code == 200
    assert "reply_markup" not in edited.json()["result"]
    message = api.messages(7)[0]
    assert (message.text, message.edited, message.buttons) == ("v2", True, [])
    assert message.revisions[0].text == "v1"

    back = await call(
        "editMessageReplyMarkup", chat_id=7, message_id=message_id, reply_markup=markup
    )
    assert back.status_code == 200
    assert message.buttons == [[("A", "a")]]
    again = await call(
        "editMessageReplyMarkup", chat_id=7, message_id=message_id, reply_markup=markup
    )
    assert error_of(again) == (400, NOT_MODIFIED)

    assert (await call("deleteMessage", chat_id=7, message_id=message_id)).json()["ok"]
    gone = await call("deleteMessage", chat_id=7, message_id=message_id)
    assert error_of(gone) == (400, "Bad Request: message to delete not found")


async def test_callback_answers(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user(7, "Alice")
    markup = {"inline_keyboard": [[{"text": "Zusage", "callback_data": "yes"}]]}
    await call("sendMessage", chat_id=7, text="Kommst du?", reply_markup=markup)
    await alice.press("Zusage", wait=False)
    updates = (await call("getUpdates")).json()["result"]
    query = updates[-1]["callback_query"]
    assert query["data"] == "yes"
    assert query["message"]["text"] == "Kommst du?"

    answer = await call(
        "answerCallbackQuery", callback_query_id=query["id"], text="Danke", show_alert=True
    )
    assert answer.json() == {"ok": True, "result": True}
    assert alice.callback_answers[0].text == "Danke"
    assert alice.callback_answers[0].show_alert is True
    expected = (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    repeated = await call("answerCallbackQuery", callback_query_id=query["id"])
    assert error_of(repeated) == expected
    unknown = await call("answerCallbackQuery", callback_query_id="nope")
    assert error_of(unknown) == expected


async def test_updates_offset_and_long_poll(
    call: Call, api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    alice = api.user(7, "Alice")
    await alice.send("/start abc", wait=False)
    first = (await call("getUpdates")).json()["result"]
    assert first[0]["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert first[0]["message"]["chat"] == {"id": 7, "type": "private", "first_name": "Alice"}
    # not confirmed yet: delivered again; confirmed by a higher offset: gone
    assert (await call("getUpdates")).json()["result"] == first
    next_offset = first[-1]["update_id"] + 1
    assert (await call("getUpdates", offset=next_offset)).json()["result"] == []
    # allowed_updates filters
    alice.block()
    filtered = await call("getUpdates", allowed_updates=["message"], timeout=0)
    assert filtered.json()["result"] == []
    assert (await call("getWebhookInfo")).json()["result"]["pending_update_count"] == 0


async def test_files_round_trip(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user(7, "Alice")
    upload = await client.post(
        "sendDocument",
        data={"chat_id": "7", "caption": "<i>Protokoll</i>", "parse_mode": "HTML"},
        files={"document": ("protokoll.pdf", b"%PDF-1.4 data", "application/pdf")},
    )
    assert upload.status_code == 200, upload.text
    result = upload.json()["result"]
    assert result["document"]["file_name"] == "protokoll.pdf"
    assert result["caption"] == "Protokoll"
    assert alice.last.document == ("protokoll.pdf", b"%PDF-1.4 data")

    file_id = result["document"]["file_id"]
    again = await call("sendDocument", chat_id=7, document=file_id)
    assert again.json()["result"]["document"]["file_id"] == file_id
    bad = await call("sendDocument", chat_id=7, document="no-such-id")
    assert error_of(bad) == (400, "Bad Request: wrong file identifier/HTTP URL specified")
    long_caption = await call("sendDocument", chat_id=7, document=file_id, caption="x" * 1025)
    assert error_of(long_caption) == (400, "Bad Request: message caption is too long")

    info = (await call("getFile", file_id=file_id)).json()["result"]
    async with httpx.AsyncClient() as http:
        download = await http.get(f"{api.base_file_url}{api.token}/{info['file_path']}")
    assert download.content == b"%PDF-1.4 data"


async def test_commands_per_scope_and_language(
    call: Call, api: LocalBotApi, client: httpx.AsyncClient
) -> None:
    api.user(7, "Alice")
    commands = [{"command": "start", "description": "Start"}]
    admin = [{"command": "setup", "description": "Einrichten"}]
    await call("setMyCommands", commands=commands)
    await call("setMyCommands", commands=commands, language_code="de")
    await call("setMyCommands", commands=admin, scope={"type": "chat", "chat_id": "7"})
    assert api.commands() == commands
    assert api.commands(language_code="de") == commands
    assert api.commands({"type": "chat", "chat_id": 7}) == admin
    assert api.commands({"type": "all_private_chats"}) == []
    got = await call("getMyCommands", scope={"type": "chat", "chat_id": 7})
    assert got.json()["result"] == admin
    await call("deleteMyCommands", language_code="de")
    assert api.commands(language_code="de") == []
    bad = await call("setMyCommands", commands=[{"command": "Start", "description": "x"}])
    assert error_of(bad) == (400, "Bad Request: BOT_COMMAND_INVALID")


async def test_webhook_blocks_polling(call: Call, client: httpx.AsyncClient) -> None:
    await call("setWebhook", url="https://example.org/hook")
    assert error_of(await call("getUpdates"))[0] == 409
    await call("deleteWebhook")
    assert (await call("getUpdates")).json() == {"ok": True, "result": []}


async def test_group_membership(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    alice = api.user(7, "Alice")
    group = api.group(-5, "Gremium")
    await group.add_bot(by=alice, by_status="administrator", wait=False)
    updates = (await call("getUpdates")).json()["result"]
    assert updates[0]["my_chat_member"]["new_chat_member"]["status"] == "member"
    assert updates[1]["message"]["new_chat_members"][0]["username"] == api.bot_username

    member = await call("getChatMember", chat_id=-5, user_id=7)
    assert member.json()["result"]["status"] == "administrator"
    bot_member = await call("getChatMember", chat_id=-5, user_id=api.bot.id)
    assert bot_member.json()["result"]["status"] == "member"
    chat = (await call("getChat", chat_id=-5)).json()["result"]
    assert (chat["type"], chat["title"]) == ("group", "Gremium")

    assert (await call("sendMessage", chat_id=-5, text="Hallo")).status_code == 200
    assert (await call("leaveChat", chat_id=-5)).json()["result"] is True
    assert group.bot_left
    _, description = error_of(await call("sendMessage", chat_id=-5, text="x"))
    assert description == "Forbidden: bot is not a member of the group chat"


async def test_forward_and_copy(call: Call, api: LocalBotApi, client: httpx.AsyncClient) -> None:
    api.user(7, "Alice")
    api.user(8, "Bob")
    sent = (await call("sendMessage", chat_id=7, text="Info")).json()["result"]
    forwarded = await call(
        "forwardMessage", chat_id=8, from_chat_id=7, message_id=sent["message_id"]
    )
    assert forwarded.json()["result"]["forward_origin"]["type"] == "user"
    copied = await call("copyMessage", chat_id=8, from_chat_id=7, message_id=sent["message_id"])
    assert set(copied.json()["result"]) == {"message_id"}
    assert [m.text for m in api.messages(8)] == ["Info", "Info"]
    missing = await call("copyMessage", chat_id=8, from_chat_id=7, message_id=99)
    assert error_of(missing) == (400, "Bad Request: message to copy not found")


@pytest.mark.parametrize("parse_mode", ["MarkdownV2", "Markdown"])
async def test_only_html_parse_mode(
    call: Call, api: LocalBotApi, client: httpx.AsyncClient, parse_mode: str
) -> None:
    api.user(7, "Alice")
    response = await call("sendMessage", chat_id=7, text="*x*", parse_mode=parse_mode)
    assert error_of(response)[0] == 400
