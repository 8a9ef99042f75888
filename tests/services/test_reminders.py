"""Reminders derived from the rows at each run: due once, never twice, settings respected."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.reminders import run_due_reminders
from bot.values.reminders import DAY_BEFORE_EVENING
from storage.models import Attendance, AttendanceStatus, Delivery, Meeting, Person
from tests.notice_samples import ANNA, BERND, CARLA, by_chat, content, prepare, run, settings

Sessions = async_sessionmaker[AsyncSession]
# sa-2030-03-04 starts at 14:00 in Berlin (13:00 UTC): the evening before is 17:00 UTC.
EVENING = datetime(2030, 3, 3, 17, 0, tzinfo=UTC)
TWO_HOURS = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)


async def remind(sessions: Sessions, now: datetime) -> int:
    async with sessions.begin() as session:
        return await run_due_reminders(session, now=now, settings=settings())


async def reminders(sessions: Sessions) -> dict[int, list[Delivery]]:
    async with sessions() as session:
        rows = (await session.execute(select(Delivery).order_by(Delivery.id))).scalars()
        return by_chat([row for row in rows if row.kind == "reminder"])


async def meeting_id(sessions: Sessions, key: str) -> int:
    async with sessions() as session:
        query = select(Meeting.id).where(Meeting.key == key)
        return int((await session.execute(query)).scalar_one())


async def test_the_evening_before_and_two_hours_before_each_once(sessions: Sessions) -> None:
    await prepare(sessions)
    sa = await meeting_id(sessions, "sa-2030-03-04")
    assert await remind(sessions, datetime(2030, 3, 3, 16, 59, tzinfo=UTC)) == 0
    assert await remind(sessions, EVENING) == 3
    assert await remind(sessions, datetime(2030, 3, 3, 17, 30, tzinfo=UTC)) == 0
    sent = await reminders(sessions)
    assert [row.event_key for row in sent[ANNA]] == [f"reminder:{sa}:0:{DAY_BEFORE_EVENING}"]
    anna, bernd = sent[ANNA][0].payload, sent[BERND][0].payload
    assert anna["text"].startswith("⏰ <b>Erinnerung: morgen, 14:00 Uhr</b>")
    assert "Sitzung des Sozialausschusses\n" in anna["text"]
    assert bernd["text"].startswith("⏰ <b>Reminder: tomorrow, 14:00</b>")
    assert anna["buttons"][0][0]["callback_data"] == f"mtg:show:{sa}"

    assert await remind(sessions, TWO_HOURS) == 3
    assert await remind(sessions, TWO_HOURS) == 0  # a second run, another instance: nothing
    sent = await reminders(sessions)
    assert sent[ANNA][1].event_key == f"reminder:{sa}:0:120"
    assert sent[ANNA][1].payload["text"].startswith("⏰ <b>Erinnerung: heute, 14:00 Uhr</b>")
    assert await remind(sessions, datetime(2030, 3, 4, 13, 0, tzinfo=UTC)) == 0  # started


async def test_switched_off_declined_and_cancelled_get_no_reminder(sessions: Sessions) -> None:
    await prepare(sessions)
    sa = await meeting_id(sessions, "sa-2030-03-04")
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == BERND).values(notify_reminders=False)
        )
        carla = (
            await session.execute(select(Person).where(Person.telegram_user_id == CARLA))
        ).scalar_one()
        session.add(
            Attendance(
                meeting_id=sa, person_id=carla.id, status=AttendanceStatus.NO, updated_at=EVENING
            )
        )
    assert await remind(sessions, EVENING) == 1
    assert list(await reminders(sessions)) == [ANNA]
    data = content()
    data["meetings"][0]["cancelled"] = True
    await run(sessions, data)
    assert await remind(sessions, TWO_HOURS) == 0


async def test_after_downtime_only_the_latest_due_reminder_comes(sessions: Sessions) -> None:
    await prepare(sessions)
    sa = await meeting_id(sessions, "sa-2030-03-04")
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == ANNA).values(reminder_minutes=[30])
        )
    # The bot was down from before the evening until 12:10 UTC on the day.
    assert await remind(sessions, datetime(2030, 3, 4, 12, 10, tzinfo=UTC)) == 2
    sent = await reminders(sessions)
    assert ANNA not in sent  # her only lead time, 30 minutes, is not due yet
    assert [row.event_key for row in sent[BERND]] == [f"reminder:{sa}:0:120"]
    assert await remind(sessions, datetime(2030, 3, 4, 12, 30, tzinfo=UTC)) == 1
    assert [row.event_key for row in (await reminders(sessions))[ANNA]] == [f"reminder:{sa}:0:30"]


async def test_a_moved_meeting_is_reminded_again(sessions: Sessions) -> None:
    await prepare(sessions)
    sa = await meeting_id(sessions, "sa-2030-03-04")
    assert await remind(sessions, EVENING) == 3
    data = content()
    data["meetings"][0]["start"] = "2030-03-04T15:00"
    await run(sessions, data)  # sequence 1
    assert await remind(sessions, datetime(2030, 3, 3, 17, 5, tzinfo=UTC)) == 3
    keys = [row.event_key for row in (await reminders(sessions))[ANNA]]
    assert keys == [
        f"reminder:{sa}:0:{DAY_BEFORE_EVENING}",
        f"reminder:{sa}:1:{DAY_BEFORE_EVENING}",
    ]


async def test_no_reminder_for_a_moment_before_the_meeting_was_set_up(sessions: Sessions) -> None:
    await prepare(sessions)
    async with sessions.begin() as session:
        await session.execute(
            update(Meeting)
            .where(Meeting.key == "sa-2030-03-04")
            .values(created_at=datetime(2030, 3, 3, 20, 0, tzinfo=UTC))
        )
    assert await remind(sessions, datetime(2030, 3, 3, 21, 0, tzinfo=UTC)) == 0
    assert await remind(sessions, TWO_HOURS) == 3


async def test_further_sources_run_in_the_same_loop(sessions: Sessions) -> None:
    calls: list[datetime] = []

    async def source(session: AsyncSession, *, now: datetime, settings: Settings) -> int:
        calls.append(now)
        return 2

    async with sessions.begin() as session:
        written = await run_due_reminders(
            session, now=EVENING, settings=settings(), sources=[source, source]
        )
    assert written == 4 and calls == [EVENING, EVENING]
