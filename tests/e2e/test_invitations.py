"""Invitations end to end: created in the chat and by the CLI, redeemed once, refused after."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.services.invites import create_invite
from storage.models import Invite, Person
from tests.conftest import AddMember
from tests.e2e.conftest import StartBot

LINK = re.compile(r"https://t\.me/gremienbot_test_bot\?start=([A-Za-z0-9_-]{1,64})")


async def test_admin_invites_in_chat_and_the_link_works_once(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Dr. Bernd Verwaltung", 500, admin=True)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/einladen")
    assert "Wen möchten Sie einladen" in admin.last.text
    replies = await admin.send("Clara <Neu> & Co")
    assert "Zu welcher Fraktion gehört Clara <Neu> & Co?" in replies[-1].text
    await admin.press("SPD-Fraktion")
    await admin.send("Sprecherin")
    await admin.press("Nein")
    assert "Fraktion: SPD-Fraktion" in admin.last.text
    await admin.press("Einladung anlegen")
    match = LINK.search(admin.last.text)
    assert match, admin.last.text
    token = match.group(1)

    async with sessions() as session:
        stored = (await session.execute(select(Invite))).unique().scalar_one()
        assert stored.token_hash != token  # only the hash is kept
        assert stored.person.name == "Clara <Neu> & Co"
        assert stored.person.function == "Sprecherin"

    clara = api.user(600, "Clara")
    replies = await clara.send(f"/start {token}")
    assert "Willkommen, Clara <Neu> & Co!" in replies[0].text
    assert "Was gespeichert wird" in replies[0].text
    assert "/meine_daten" in replies[1].text  # the menu of her commands

    thief = api.user(601, "Mallory")
    replies = await thief.send(f"/start {token}")
    assert "bereits verwendet" in replies[0].text
    async with sessions() as session:
        linked = await session.execute(select(Person).where(Person.telegram_user_id == 601))
        assert linked.unique().scalar_one_or_none() is None


async def test_expired_revoked_and_made_up_tokens_change_nothing(
    api: LocalBotApi,
    start_bot: StartBot,
    add_member: AddMember,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await add_member("Admin", 500, admin=True)
    long_ago = datetime.now(UTC) - timedelta(days=30)
    async with sessions.begin() as session:
        expired = await create_invite(
            session,
            actor=None,
            name="Late Larry",
            group_key="lenkungsgruppe",
            now=long_ago,
            ttl=timedelta(days=14),
        )
    await start_bot()
    larry = api.user(700, "Larry", language_code="en")
    replies = await larry.send(f"/start {expired.token}")
    assert "This invitation link has expired" in replies[0].text
    replies = await larry.send("/start AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    assert "This invitation link is not valid" in replies[0].text
    replies = await larry.send("/help")
    assert "Access requires an invitation link" in replies[0].text
    async with sessions() as session:
        person = (
            (await session.execute(select(Person).where(Person.name == "Late Larry")))
            .unique()
            .scalar_one()
        )
        assert person.telegram_user_id is None


async def test_cli_invite_prints_a_link_that_works(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember, database_url: str
) -> None:
    await add_member("Admin", 500, admin=True)
    box = await start_bot()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREMIENBOT_")}
    env |= {
        "GREMIENBOT_TOKEN": api.token,
        "GREMIENBOT_API_BASE_URL": api.base_url,
        "GREMIENBOT_DATABASE_URL": database_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "invite",
        "Dora Druck",
        "--faction",
        "gruene",
        "--function",
        "Sprecherin",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    match = LINK.search(stdout.decode())
    assert match, stdout.decode()
    dora = api.user(800, "Dora")
    replies = await dora.send(f"/start {match.group(1)}")
    assert "Willkommen, Dora Druck!" in replies[0].text
    assert box.settings.group_key == "lenkungsgruppe"

    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "invite", "Xaver Test", "--faction", "afd",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await process.communicate()
    assert process.returncode == 2
    assert "Die Fraktion „afd“ gibt es nicht." in stderr.decode()


async def test_typed_text_goes_to_the_dialogue_begun_last(
    api: LocalBotApi, start_bot: StartBot, add_member: AddMember
) -> None:
    await add_member("Dr. Bernd Verwaltung", 500, admin=True)
    await start_bot()
    admin = api.user(500, "Bernd")
    await admin.send("/einladen")  # left open at its first question
    await admin.send("/rundschreiben")
    replies = await admin.send("Liebe Mitglieder, die Präsentationen sind verschoben.")
    assert replies, admin.describe()
    assert not any("Zu welcher Fraktion" in reply.text for reply in replies)
    await admin.send("/einladen")  # begun again: now names go to it
    replies = await admin.send("Clara Neu")
    assert "Zu welcher Fraktion gehört Clara Neu?" in replies[-1].text
