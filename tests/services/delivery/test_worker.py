"""The delivery worker against the local Bot API server: pacing, errors, combining, quiet hours.

A real python-telegram-bot Bot talks HTTP to the server, which enforces Telegram's limits
(429 with retry_after) and answers 400/403/5xx like Telegram; both database engines.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import Fault, RateLimits
from bot.services.delivery import notify
from bot.services.delivery.text import SEPARATOR
from bot.services.outbox import Notice, enqueue, enqueue_many
from storage.models import Delivery, DeliveryStatus, Person
from tests.services.delivery.support import (
    BERLIN,
    FAST,
    add_members,
    local_telegram,
    received,
    received_counts,
    running_worker,
    wait_until_settled,
)
from tests.waiting import until


async def _deliveries(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Delivery]:
    async with sessions() as session:
        rows = (await session.execute(select(Delivery))).scalars()
        return {row.event_key: row for row in rows}


async def test_pacing_keeps_within_telegrams_limits(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Telegram's numbers with little burst: sending faster than allowed is answered with 429.
    limits = RateLimits(
        global_per_second=30, global_burst=10, private_burst=1, group_per_minute=20, group_burst=20
    )
    async with local_telegram(limits) as (api, bot):
        members = await add_members(sessions, api, 40)
        admin = api.user(1, "Admin")
        group = api.group(-1001, "Lenkungsgruppe")
        await group.add_bot(admin, wait=False)
        async with sessions.begin() as session:
            notices = [
                Notice(
                    event_key="news",
                    chat_id=m.chat_id,
                    kind="news",
                    text=f"Neu für {m.name}",
                    person_id=m.person_id,
                )
                for m in members
            ]
            # Three messages in a row for one member, 21 for the group (burst of 20 + 1).
            notices += [
                Notice(
                    event_key=f"extra:{n}",
                    chat_id=members[0].chat_id,
                    kind="news",
                    text=f"Noch {n}",
                )
                for n in range(2)
            ]
            notices += [
                Notice(event_key=f"group:{n}", chat_id=-1001, kind="news", text=f"Gruppe {n}")
                for n in range(21)
            ]
            await enqueue_many(session, notices)
        async with running_worker(bot, sessions, poll_interval=0.05):
            await wait_until_settled(sessions)
        assert api.log.too_many_requests == 0
        assert len(received(api, members[0].chat_id)) == 3
        assert len(received(api, -1001)) == 21
        assert set(received_counts(api, [m.chat_id for m in members[1:]]).values()) == {1}


async def test_a_send_held_up_on_its_way_keeps_the_chats_interval_at_arrival(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    # Telegram counts a message when it arrives. The first message to the member is held up
    # 0.4 s on its way (a busy event loop or network); the second must not arrive less than
    # a second after it, though it could leave a second after the first left.
    async with local_telegram(RateLimits.strict()) as (api, bot):
        [member] = await add_members(sessions, api, 1)
        api.inject(member.chat_id, Fault.timeout(0.4), methods=["sendMessage"])
        async with sessions.begin() as session:
            await enqueue_many(
                session,
                [
                    Notice(
                        event_key=f"late:{n}",
                        chat_id=member.chat_id,
                        kind="news",
                        text=f"Nachricht {n}",
                        person_id=member.person_id,
                    )
                    for n in range(2)
                ],
            )
        async with running_worker(bot, sessions, poll_interval=0.05):
            await wait_until_settled(sessions)
        assert api.log.too_many_requests == 0
        assert [m.text for m in received(api, member.chat_id)] == ["Nachricht 0", "Nachricht 1"]


async def test_telegrams_answers_decide_retry_failure_or_unreachable(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with local_telegram(RateLimits.off()) as (api, bot):
        gone, deleted, broken, flaky = await add_members(sessions, api, 4)
        del api.state.chats[gone.chat_id]  # Telegram: "chat not found"
        api.state.users[deleted.chat_id].deactivated = True
        api.inject(broken.chat_id, *[Fault.server_error(500)] * 3)
        api.inject(flaky.chat_id, Fault.bad_gateway(), Fault.server_error(503))
        async with sessions.begin() as session:
            for member in (gone, deleted, broken, flaky):
                await enqueue(
                    session,
                    event_key=f"n:{member.chat_id}",
                    chat_id=member.chat_id,
                    kind="news",
                    text="Neu",
                    person_id=member.person_id,
                )
            await enqueue(
                session,
                event_key="second",
                chat_id=deleted.chat_id,
                kind="news",
                text="Noch etwas",
                person_id=deleted.person_id,
            )
        async with running_worker(bot, sessions, **{**FAST, "max_attempts": 3}):
            await wait_until_settled(sessions)
        rows = await _deliveries(sessions)
        async with sessions() as session:
            person = await session.get(Person, deleted.person_id)
        assert person is not None

    assert rows[f"n:{gone.chat_id}"].status is DeliveryStatus.FAILED
    assert rows[f"n:{gone.chat_id}"].last_error == "Chat not found"  # as PTB words it
    assert api.log.count(chat_id=gone.chat_id) == 1  # not retried

    assert rows[f"n:{deleted.chat_id}"].status is DeliveryStatus.UNREACHABLE
    assert rows["second"].status is DeliveryStatus.UNREACHABLE
    assert api.log.count(chat_id=deleted.chat_id) == 1  # the chat's second message not tried
    assert (person.reachable, person.unreachable_reason) == (
        False,
        "Forbidden: user is deactivated",
    )

    assert rows[f"n:{broken.chat_id}"].status is DeliveryStatus.FAILED
    assert (
        rows[f"n:{broken.chat_id}"].last_error == "NetworkError: Internal Server Error (3 attempts)"
    )
    assert api.log.count(chat_id=broken.chat_id) == 3

    assert rows[f"n:{flaky.chat_id}"].status is DeliveryStatus.SENT
    assert rows[f"n:{flaky.chat_id}"].attempts == 3
    assert len(received(api, flaky.chat_id)) == 1


async def test_retry_after_delays_only_that_chat(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with local_telegram(RateLimits.off()) as (api, bot):
        slowed, *others = await add_members(sessions, api, 11)
        api.inject(slowed.chat_id, Fault.too_many_requests(retry_after=2))
        async with running_worker(bot, sessions, **FAST):
            async with sessions.begin() as session:
                await enqueue(session, event_key="a", chat_id=slowed.chat_id, kind="k", text="A")
            await until(lambda: api.log.too_many_requests > 0, what="the 429 for the slowed chat")
            # Everyone else goes on while the chat that got 429 waits.
            async with sessions.begin() as session:
                notices = [
                    Notice(event_key="b", chat_id=m.chat_id, kind="k", text="B") for m in others
                ]
                await enqueue_many(session, notices)
            await wait_until_settled(sessions)

    [refused] = api.log.select(chat_id=slowed.chat_id, status=429)
    [accepted] = api.log.select(chat_id=slowed.chat_id, status=200)
    assert accepted.started - refused.started >= 2.0 - 0.05  # retry_after honoured
    others_sent = [r.started for r in api.log.select(method="sendMessage", status=200)]
    others_sent.remove(accepted.started)
    assert len(others_sent) == 10
    assert max(others_sent) < accepted.started
    assert len(received(api, slowed.chat_id)) == 1


async def test_notices_of_one_batch_arrive_as_one_message_and_a_request_stays_apart(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with local_telegram(RateLimits.off()) as (api, bot):
        [member] = await add_members(sessions, api, 1)
        async with sessions.begin() as session:
            for n, text in enumerate(["<b>Neue Vorlage</b> 2021/144", "Termin verschoben", "TO"]):
                await enqueue(
                    session,
                    event_key=f"notice:{n}",
                    chat_id=member.chat_id,
                    kind="notice",
                    text=text,
                    buttons=[[(f"Öffnen {n}", f"open:{n}")]],
                    person_id=member.person_id,
                    batch_key="import:1",
                )
            await enqueue(
                session,
                event_key="rsvp:9",
                chat_id=member.chat_id,
                kind="attendance.request",
                text="Nehmen Sie an der Präsentation teil?",
                buttons=[[("Zusage", "rsvp:9:yes"), ("Absage", "rsvp:9:no")]],
                person_id=member.person_id,
                batch_key="import:1",
                combinable=False,
            )
        async with running_worker(bot, sessions, **FAST):
            await wait_until_settled(sessions)
        combined, request = received(api, member.chat_id)

    assert combined.text == SEPARATOR.join(["Neue Vorlage 2021/144", "Termin verschoben", "TO"])
    assert combined.buttons == [
        [("Öffnen 0", "open:0")],
        [("Öffnen 1", "open:1")],
        [("Öffnen 2", "open:2")],
    ]
    assert request.text == "Nehmen Sie an der Präsentation teil?"
    assert request.buttons == [[("Zusage", "rsvp:9:yes"), ("Absage", "rsvp:9:no")]]
    rows = await _deliveries(sessions)
    assert {rows[f"notice:{n}"].telegram_message_id for n in range(3)} == {combined.message_id}
    assert rows["rsvp:9"].telegram_message_id == request.message_id


async def test_quiet_hours_send_silently_without_delay(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime.now(BERLIN)
    around_now = ((now - timedelta(hours=1)).time(), (now + timedelta(hours=1)).time())
    later = ((now + timedelta(hours=1)).time(), (now + timedelta(hours=2)).time())
    async with local_telegram(RateLimits.off()) as (api, bot):
        [sleeping] = await add_members(
            sessions, api, 1, first_id=100, quiet_start=around_now[0], quiet_end=around_now[1]
        )
        [awake] = await add_members(
            sessions, api, 1, first_id=200, quiet_start=later[0], quiet_end=later[1]
        )
        async with sessions.begin() as session:
            for member in (sleeping, awake):
                await enqueue(
                    session,
                    event_key="reminder",
                    chat_id=member.chat_id,
                    kind="reminder",
                    text="Morgen Sitzung",
                    person_id=member.person_id,
                )
        async with running_worker(bot, sessions, **FAST):
            await wait_until_settled(sessions, timeout=10)
        [silent] = received(api, sleeping.chat_id)
        [loud] = received(api, awake.chat_id)
    assert silent.disable_notification is True
    assert loud.disable_notification is False


async def test_the_worker_wakes_at_once_when_notified(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with local_telegram(RateLimits.off()) as (api, bot):
        [member] = await add_members(sessions, api, 1)
        # A poll interval far beyond the test: once the worker has looked at the empty outbox,
        # only notify() (called on commit) can make it look again.
        async with running_worker(bot, sessions, **{**FAST, "poll_interval": 3600}) as worker:
            await until(lambda: worker.stats.looks >= 1, what="the worker's first look")
            async with sessions.begin() as session:
                await enqueue(session, event_key="e", chat_id=member.chat_id, kind="k", text="Hi")
            await wait_until_settled(sessions, timeout=5)
            assert worker.stats.looks >= 2  # it looked again: it was woken
            notify()  # harmless without new rows
        assert [m.text for m in received(api, member.chat_id)] == ["Hi"]


async def test_the_running_bot_delivers_what_a_service_enqueues(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    from bot.sandbox import sandbox

    async with (
        local_telegram(RateLimits()) as (api, _bot),
        sandbox(database_url, api=api) as running,
    ):
        [member] = await add_members(sessions, api, 1)
        async with sessions.begin() as session:
            await enqueue(
                session,
                event_key="paper:2021/144:new",
                chat_id=member.chat_id,
                kind="paper.new",
                text="Neue Vorlage 2021/144",
                person_id=member.person_id,
            )
        await wait_until_settled(sessions, timeout=10)
        assert [m.text for m in received(api, member.chat_id)] == ["Neue Vorlage 2021/144"]
        assert running.bot.delivery.stats.sent == 1
    async with sessions() as session:
        [row] = (await session.execute(select(Delivery))).scalars()
    assert (row.status, row.claimed_by) == (DeliveryStatus.SENT, None)
