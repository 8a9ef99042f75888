"""`gremienbot demo`: chat with the real bot in the terminal, no Telegram account needed.

The real bot runs against a local Bot API server and a temporary SQLite database seeded with
sample data. You type as a member; a number presses the button with that number; lines
starting with ":" switch who you are (:member, :admin, :stranger, :new), send a file
(:send FILE, e.g. one of the sample Vorlagen in examples/vorlagen) or end the demo
(:quit). Standard input may be piped, so the demo can be scripted:

    printf '/start\\n/help\\n' | gremienbot demo
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.demo_seed import OTHER_MEMBERS, DemoPeople, seed_demo
from bot.localapi import ChatMessage, UserDriver, numbered_buttons, render
from bot.sandbox import Sandbox, sandbox

INTRO = """\
Gremienbot demo — the real bot, a local Telegram server and sample data.
You are {who}. Type a message or a command (/help), a number to press a button.
Switch persona: :member (Anna Beispiel, SPD) · :admin (Dr. Martin Muster) ·
:stranger (not invited) · :new (opens the invitation link of Clara Neu) · :quit
Send a document: :send FILE (as :admin, e.g. :send examples/vorlagen/Beschlussvorlage 2022-037.pdf)
"""
SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "vorlagen"

OPARL_NOTE = """\
A local OParl server serves the Landkreis; its first sync told no one. A new Vorlage 2027/030
has just appeared there: the bot's next sync (every few seconds) tells you. Try /vorlage 2027/030.
"""

# A reply held back by flood control arrives a little over a second later.
FINAL_QUIET_SECONDS = 1.5


@dataclass
class DemoChat:
    """The terminal side: who is typing, and the buttons shown last."""

    box: Sandbox
    people: DemoPeople
    users: dict[str, UserDriver] = field(default_factory=dict)
    persona: str = "member"
    shown: list[ChatMessage] = field(default_factory=list)
    printed: dict[str, int] = field(default_factory=dict)

    def user(self) -> UserDriver:
        if self.persona not in self.users:
            telegram_id, first, last = self.people.accounts[self.persona]
            self.users[self.persona] = self.box.api.user(telegram_id, first, last)
        return self.users[self.persona]

    def show(self, messages: list[ChatMessage]) -> None:
        if messages:
            print(render(messages), flush=True)
            self.shown = messages

    def new_messages(self) -> list[ChatMessage]:
        """Messages in this persona's chat not printed yet (also asynchronous notices)."""
        user = self.user()
        seen = self.printed.get(self.persona, 0)
        events = user.state.events.get(user.chat_id, [])
        self.printed[self.persona] = len(events)
        fresh: list[ChatMessage] = []
        for message in events[seen:]:
            if message.from_bot and message not in fresh:
                fresh.append(message)
        return fresh

    async def handle(self, line: str) -> bool:
        """One line of input; False ends the demo."""
        line = line.strip()
        if not line:
            return True
        if line.startswith(":"):
            return await self.switch(line[1:].strip())
        user = self.user()
        if line.isdigit():
            buttons = numbered_buttons(self.shown)
            number = int(line)
            if not 1 <= number <= len(buttons):
                print(f"(no button {number}; the last message has {len(buttons)})", flush=True)
                return True
            message, button = buttons[number - 1]
            if button.is_url:
                print(f"(button {number} opens {button.data})", flush=True)
                return True
            answered = len(user.callback_answers)
            await user.press_data(message.message_id, button.data)
            for answer in user.callback_answers[answered:]:
                if answer.text:  # what Telegram shows as a pop-up
                    print(f"(pop-up: {answer.text})", flush=True)
        else:
            await user.send(line)
        self.show(self.new_messages())
        return True

    async def switch(self, command: str) -> bool:
        if command in ("quit", "q", "exit"):
            return False
        if command == "send" or command.startswith("send "):
            await self.send_file(command[4:].strip())
            return True
        if command == "new":
            self.persona = "new"
            link = f"/start {self.people.invite_token}"
            print(f"(you are now Clara Neu and open the invitation link: {link})", flush=True)
            await self.user().send(link)
            self.show(self.new_messages())
            return True
        if command in self.people.accounts:
            self.persona = command
            self.new_messages()  # what happened in that chat meanwhile is not replayed
            print(f"(you are now {self.people.names[command]})", flush=True)
        else:
            print("(unknown: use :member, :admin, :stranger, :new or :quit)", flush=True)
        return True

    async def send_file(self, name: str) -> None:
        """Send a file from disk as a document (a sample Vorlage, by its name alone too)."""
        loaded = await asyncio.to_thread(_load_file, name)
        if isinstance(loaded, str):
            print(loaded, flush=True)
            return
        await self.user().send_document(*loaded)
        self.show(self.new_messages())


def _load_file(name: str) -> tuple[str, bytes] | str:
    """The file's name and content, or a note listing the samples."""
    path = Path(name).expanduser()
    if name and not path.is_file() and (SAMPLES / name).is_file():
        path = SAMPLES / name
    if not name or not path.is_file():
        samples = sorted(p.name for p in SAMPLES.glob("*")) if SAMPLES.is_dir() else []
        return f"(no file {name!r}; samples: {', '.join(samples) or 'none'})"
    return path.name, path.read_bytes()


async def _read_line() -> str:
    return await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def run_demo(*, as_admin: bool = False, oparl: bool = False) -> None:
    with tempfile.TemporaryDirectory(prefix="gremienbot-demo-") as folder:
        database_url = f"sqlite+aiosqlite:///{Path(folder) / 'demo.db'}"
        people = await seed_demo(database_url)
        async with contextlib.AsyncExitStack() as stack:
            overrides: dict[str, Any] = {}
            if oparl:  # a synced body from a local OParl server (bot/demo_oparl.py)
                from bot.demo_oparl import synced_body

                overrides = await stack.enter_async_context(synced_body(database_url))
                print(OPARL_NOTE, flush=True)
            box = await stack.enter_async_context(
                sandbox(database_url, admins=[people.accounts["admin"][0]], **overrides)
            )
            for telegram_id, (first, last) in OTHER_MEMBERS.items():
                box.api.user(telegram_id, first, last)
            chat = DemoChat(box=box, people=people, persona="admin" if as_admin else "member")
            for persona in ("member", "admin"):  # both have written to the bot before
                chat.persona = persona
                chat.user()
            chat.persona = "admin" if as_admin else "member"
            print(INTRO.format(who=people.names[chat.persona]), flush=True)
            interactive = sys.stdin.isatty()
            while True:
                if interactive:
                    print("> ", end="", flush=True)
                line = await _read_line()
                if not line:
                    # End of input: let replies that wait out Telegram's flood control arrive.
                    await box.api.settle(quiet=FINAL_QUIET_SECONDS, timeout=30)
                    chat.show(chat.new_messages())
                    break
                if not interactive:
                    print(f"> {line.rstrip()}", flush=True)
                if not await chat.handle(line):
                    break
