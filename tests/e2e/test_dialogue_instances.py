"""Dialogues across instances and time: two Applications on one database share a dialogue,
a step after the timeout gets one note, /abbrechen with nothing running says so."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.sandbox import local_api, sandbox
from storage.models import DialogueState, Invite, Organization
from tests.e2e.conftest import E2E_LIMITS, StartBot
from tests.e2e.dialogue_support import stored_state

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
MARTIN = 1001
LINK = re.compile(r"https://t\.me/gremienbot_test_bot\?start=([A-Za-z0-9_-]{1,64})")
EXPIRED = "Der Dialog war zu lange offen und ist beendet. Es wurde nichts gespeichert"


async def test_one_dialogue_alternating_between_two_instances_finishes(
    api: LocalBotApi, sessions: Sessions, database_url: str
) -> None:
    """Two bots on one database (the webhook shape of DESIGN section 3); each step of the
    dialogue reaches the other bot than the step before."""
    async with sessions() as session:
        spd = await session.execute(select(Organization.id).where(Organization.key == "spd"))
        spd_id = spd.scalar_one()
    async with (
        local_api(E2E_LIMITS) as other_api,
        sandbox(database_url, api=api),
        sandbox(database_url, api=other_api),
    ):
        one, two = api.user(MARTIN, "Martin"), other_api.user(MARTIN, "Martin")
        await one.send("/einladen")
        assert "Wen möchten Sie einladen" in one.last.text
        [ask] = await two.send("Clara Neu")
        assert "Zu welcher Fraktion gehört Clara Neu?" in ask.text
        await one.press_data(one.last.message_id, f"inv:faction:{spd_id}")
        assert "Clara Neu" in one.last.text  # the function question, from the stored draft
        await two.send("Sprecherin")
        assert "Administrationsrechte" in two.last.text, two.describe()
        await one.press_data(one.last.message_id, "inv:admin:no")
        assert "Fraktion: SPD-Fraktion" in one.last.text
        assert "Sprecherin" in one.last.text
        await two.press_data(two.last.message_id, "inv:ok")
        assert LINK.search(two.last.text), two.describe()
    async with sessions() as session:
        invite = (await session.execute(select(Invite))).unique().scalar_one()
        assert (invite.person.name, invite.person.function) == ("Clara Neu", "Sprecherin")
    assert await stored_state(sessions, MARTIN) is None


async def expire(sessions: Sessions) -> None:
    """The stored dialogue ran out (as if GREMIENBOT_DIALOGUE_TIMEOUT had passed)."""
    async with sessions.begin() as session:
        past = datetime.now(UTC) - timedelta(seconds=1)
        await session.execute(update(DialogueState).values(expires_at=past))


async def test_a_step_after_the_timeout_gets_one_note_and_nothing_is_saved(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    martin = api.user(MARTIN, "Martin")
    await martin.send("/einladen")
    await expire(sessions)
    [note] = await martin.send("Clara Neu")
    assert note.text.startswith(EXPIRED)
    assert await stored_state(sessions, MARTIN) is None
    # The dialogue is over: nothing to cancel, and typed text is no longer a name.
    [answer] = await martin.send("/abbrechen")
    assert answer.text == "Es läuft gerade nichts, das sich abbrechen ließe."
    replies = await martin.send("Clara Neu")
    assert not any("Fraktion" in reply.text for reply in replies)
    async with sessions() as session:
        assert (await session.execute(select(Invite))).first() is None

    # A command after the timeout: the note, then the command's own answer.
    await martin.send("/rundschreiben")
    await expire(sessions)
    note, *answers = await martin.send("/termine")
    assert note.text.startswith(EXPIRED)
    assert answers, martin.describe()
    # A button of the expired dialogue: the note, and the button does nothing.
    await martin.send("/einladen")
    await martin.send("Clara Neu")
    await expire(sessions)
    [note] = await martin.press("SPD-Fraktion")
    assert note.text.startswith(EXPIRED)
    assert await stored_state(sessions, MARTIN) is None


async def test_cancel_with_nothing_running_says_so(api: LocalBotApi, start_bot: StartBot) -> None:
    await start_bot()
    martin = api.user(MARTIN, "Martin")
    [answer] = await martin.send("/abbrechen")
    assert answer.text == "Es läuft gerade nichts, das sich abbrechen ließe."
    await martin.send("/einladen")
    [answer] = await martin.send("/abbrechen")
    assert answer.text != "Es läuft gerade nichts, das sich abbrechen ließe."
