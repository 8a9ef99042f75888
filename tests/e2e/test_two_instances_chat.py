"""Two `gremienbot run` instances on one PostgreSQL database in webhook mode, the local Bot API
server spreading the updates over both as a reverse proxy would (issue 16):

* a dialogue whose steps alternate between the instances (`/einladen`, step by step) finishes
  with the right invitation;
* one chat's replies are paced across both instances as Telegram paces a chat (1/s after a
  short burst; the server enforces exactly that and answers 429 beyond it): no 429, yet the
  first answers of a conversation go out at once.

PostgreSQL only (SQLite runs one instance): set GREMIENBOT_TEST_DATABASE_URL.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re

import pytest
from sqlalchemy import select

from bot.localapi import LocalBotApi, RateLimits
from bot.sandbox import sandbox
from bot.services.importer import import_yaml
from storage.models import Invite, Organization
from tests.conftest import PG_ENV

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"PostgreSQL only: {PG_ENV}")

SECRET = "two-instances-secret"
MARTIN, ANNA = 1001, 1002
LINK = re.compile(r"https://t\.me/gremienbot_test_bot\?start=([A-Za-z0-9_-]{1,64})")
DOCUMENT = """\
organizations:
  - {key: lenkungsgruppe, name: Lenkungsgruppe, kind: committee}
  - {key: spd, name: SPD-Fraktion, kind: faction}
members:
  - {name: Martin Verwaltung, admin: true, telegram_id: 1001}
  - {name: Anna Mitglied, telegram_id: 1002}
"""


def _settings() -> dict[str, str]:
    return {"webhook_url": "http://127.0.0.1:9", "webhook_secret": SECRET}


async def test_a_dialogue_and_a_chats_pace_span_two_instances(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two instances need PostgreSQL")
    # Telegram's limits as the server enforces them: 30/s, 1/s per chat after a burst of 3.
    async with LocalBotApi(limits=RateLimits()) as api, contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(sandbox(database_url, api=api, **_settings()))
        second = await stack.enter_async_context(sandbox(database_url, api=api, **_settings()))
        sessions = first.bot.runtime.sessions
        await import_yaml(
            sessions,
            text=DOCUMENT,
            source="members.yaml",
            tz=first.settings.tz,
            group_key="lenkungsgruppe",
            notify=False,
        )
        async with sessions() as session:
            found = await session.execute(select(Organization.id).where(Organization.key == "spd"))
            spd_id = found.scalar_one()
        backends = [first.bot.http_url, second.bot.http_url]
        api.balance_webhook(backends)
        martin = api.user(MARTIN, "Martin")

        # The dialogue: every step reaches the other instance than the step before.
        start = len(api.webhooks.delivered)
        await martin.send("/einladen")
        assert "Wen möchten Sie einladen" in martin.last.text, martin.describe()
        await martin.send("Clara Neu")
        assert "Zu welcher Fraktion gehört Clara Neu?" in martin.last.text, martin.describe()
        await martin.press_data(martin.last.message_id, f"inv:faction:{spd_id}")
        assert "Clara Neu" in martin.last.text
        await martin.send("Sprecherin")
        assert "Administrationsrechte" in martin.last.text, martin.describe()
        await martin.press_data(martin.last.message_id, "inv:admin:no")
        assert "Sprecherin" in martin.last.text
        await martin.press_data(martin.last.message_id, "inv:ok")
        assert LINK.search(martin.last.text), martin.describe()
        targets = [target for _, target in api.webhooks.delivered[start:]]
        assert len(targets) == 6
        assert all(a != b for a, b in itertools.pairwise(targets)), targets
        async with sessions() as session:
            invite = (await session.execute(select(Invite))).unique().scalar_one()
            assert (invite.person.name, invite.person.function) == ("Clara Neu", "Sprecherin")

        # One chat's pace across both instances: six commands at once (a member's chat that
        # has not been written to yet), answered alternately by the two instances; the
        # server counts what reaches the chat.
        anna = api.user(ANNA, "Anna")
        start = len(api.webhooks.delivered)
        for _ in range(6):
            await anna.send("/help", wait=False)
        await anna.wait_for(
            lambda _: sum("/termine" in m.text for m in anna.messages) >= 6, timeout=30
        )
        assert len({target for _, target in api.webhooks.delivered[start:]}) == 2
        sent = sorted(
            r.started for r in api.log.select(method="sendMessage", status=200) if r.chat_id == ANNA
        )
        assert len(sent) == 6
        assert api.log.count(status=429) == 0  # the chat's limit held across the instances
        assert sent[2] - sent[0] < 1.5  # a conversation's first answers are not held back
        assert sent[5] - sent[0] >= 2.5  # beyond the burst: about one per second
