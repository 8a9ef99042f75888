"""Notices and reminders through the local Bot API: the right members, once, combined, in their
language, with their settings and quiet hours; the connected group hears what is public."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.sandbox import Sandbox, sandbox
from bot.services.importer import import_yaml
from bot.services.notices import change_notifier
from storage.models import Meeting, MeetingKind, Organization, Person
from tests.e2e.conftest import EXAMPLE, StartBot
from tests.services.delivery.support import received, wait_until_settled

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
BERLIN = ZoneInfo("Europe/Berlin")
MARTIN, CARLA, ANNA, BERND, JUERGEN = 1001, 1002, 1003, 1004, 1005
GROUP_CHAT = -100777


def changed_example() -> str:
    """The example file with a moved public session, a new non-public meeting, a new public
    paper and that paper on a public agenda."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    meetings = {meeting["key"]: meeting for meeting in data["meetings"]}
    meetings["sa-2027-03-22"]["start"] = "2027-03-23T15:00"
    meetings["sa-2027-03-22"]["end"] = "2027-03-23T18:00"
    meetings["kt-2027-04-12"]["agenda"].append(
        {"number": "4", "name": "Sozialbericht 2026", "paper": "2027/020"}
    )
    data["meetings"].append(
        {
            "key": "lg-2027-03-25",
            "organization": "lenkungsgruppe",
            "kind": "session",
            "name": "Nachbesprechung der Präsentationen",
            "start": "2027-03-25T16:00",
            "public": False,
        }
    )
    data["papers"].append(
        {
            "reference": "2027/020",
            "name": "Sozialbericht 2026",
            "paper_type": "Informationsvorlage",
            "consultations": [
                {"organization": "kreistag", "meeting": "kt-2027-04-12", "public": True}
            ],
        }
    )
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


async def set_person(sessions: Sessions, telegram_id: int, **values: Any) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.telegram_user_id == telegram_id).values(**values)
        )


def quiet_now() -> dict[str, Any]:
    """Quiet hours around the present moment (whenever the test runs)."""
    local = datetime.now(BERLIN)
    return {
        "quiet_start": (local - timedelta(hours=1)).time().replace(second=0, microsecond=0),
        "quiet_end": (local + timedelta(hours=1)).time().replace(second=0, microsecond=0),
    }


async def test_an_import_tells_every_member_once_in_one_message(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    for member in (MARTIN, CARLA, ANNA, JUERGEN):
        await set_person(sessions, member, quiet_start=None, quiet_end=None)
    await set_person(sessions, BERND, language="en", **quiet_now())
    await set_person(sessions, JUERGEN, notify_meetings=False)
    running = await start_bot()
    martin, anna, bernd, juergen = (
        api.user(MARTIN, "Martin"),
        api.user(ANNA, "Anna"),
        api.user(BERND, "Bernd", language_code="en"),
        api.user(JUERGEN, "Jürgen"),
    )
    api.user(CARLA, "Carla")
    group = api.group(GROUP_CHAT, "Lenkungsgruppe")
    await group.add_bot(martin)
    before_in_group = len(group.messages)

    text = changed_example()
    report = await import_yaml(
        sessions,
        text=text,
        source="lenkungsgruppe.yaml",
        tz=BERLIN,
        group_key="lenkungsgruppe",
        notifier=change_notifier(running.settings),
    )
    await wait_until_settled(sessions)
    await api.settle()

    [message] = received(api, ANNA)  # four notices, one message
    assert "✏️ Termin geändert\nSitzung des Sozialausschusses" in message.text
    assert "Beginn: Montag, 22. März 2027, 14:00 Uhr → Dienstag, 23. März 2027, 15:00 Uhr" in (
        message.text
    )
    assert "📅 Neuer Termin\nLenkungsgruppe Sozialstrategie: Nachbesprechung" in message.text
    assert "📄 Neue Vorlage 2027/020\nSozialbericht 2026" in message.text
    assert "Kreistag, Montag, 12. April 2027, 15:00 Uhr (öffentlich)" in message.text
    assert (
        "📋 Tagesordnung geändert" in message.text and "➕ TOP 4 Sozialbericht 2026" in message.text
    )
    assert message.disable_notification is False
    assert report.notified == 4 * 4 + 1 + 3  # four members, Jürgen (paper only), the group

    [english] = received(api, BERND)
    assert "✏️ Meeting changed" in english.text and "New proposal 2027/020" in english.text
    assert english.disable_notification is True  # quiet hours: silent, not delayed

    [only_paper] = received(api, JUERGEN)
    assert only_paper.text.startswith("📄 Neue Vorlage 2027/020")
    assert len(received(api, MARTIN)) == 1 and len(received(api, CARLA)) == 1

    [public] = group.messages[before_in_group:]
    assert "Termin geändert" in public.text and "Neue Vorlage 2027/020" in public.text
    assert "Nachbesprechung" not in public.text  # a non-public meeting
    assert public.buttons == []

    replies = await anna.press("Termin 23.03.27")
    assert "Sitzung des Sozialausschusses" in replies[0].text
    replies = await anna.press("Vorlage 2027/020")
    assert "Vorlage 2027/020" in replies[0].text

    again = await import_yaml(
        sessions,
        text=text,
        source="lenkungsgruppe.yaml",
        tz=BERLIN,
        group_key="lenkungsgruppe",
        notifier=change_notifier(running.settings),
    )
    await wait_until_settled(sessions)
    await api.settle()
    assert again.notified == 0
    assert len(received(api, ANNA)) == 3  # the notice and the two screens she opened
    assert len(received(api, JUERGEN)) == 1 and len(group.messages) == before_in_group + 1
    assert bernd.last is english and juergen.last is only_paper


async def run_reminder_job(running: Sandbox) -> None:
    """Run the reminder job now, as its first run after a start does, and wait until what it
    queued was delivered."""
    application = running.bot.application
    assert application.job_queue is not None
    [job] = application.job_queue.get_jobs_by_name("reminders")
    await job.run(application)
    await wait_until_settled(running.bot.runtime.sessions)
    await running.api.settle()


async def test_a_reminder_comes_once_across_restarts(
    api: LocalBotApi, database_url: str, sessions: Sessions
) -> None:
    await set_person(sessions, ANNA, quiet_start=None, quiet_end=None)
    await set_person(sessions, BERND, language="en", quiet_start=None, quiet_end=None)
    await set_person(sessions, JUERGEN, notify_reminders=False)
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=90)
    async with sessions.begin() as session:
        query = select(Organization).where(Organization.key == "lenkungsgruppe")
        committee = (await session.execute(query)).scalar_one()
        session.add(
            Meeting(
                key="lg-soon",
                organization=committee,
                kind=MeetingKind.APPOINTMENT,
                name="Kurzfristige Abstimmung",
                start=soon,
                location="Raum 214",
                public=False,
                created_at=soon - timedelta(days=2),
            )
        )
    anna, bernd, juergen = api.user(ANNA, "Anna"), api.user(BERND, "Bernd"), api.user(JUERGEN, "J")
    async with sandbox(database_url, api=api):  # its first run, a second after the start
        await anna.wait_for(lambda message: "Kurzfristige Abstimmung" in message.text)
        await bernd.wait_for(lambda message: "Kurzfristige Abstimmung" in message.text)
    for _ in range(2):  # restarted: each run works out again what is due, and finds it sent
        async with sandbox(database_url, api=api) as running:
            await run_reminder_job(running)
            await run_reminder_job(running)
    assert len(anna.messages) == 1 and len(bernd.messages) == 1
    local = soon.astimezone(BERLIN)
    day = "heute" if local.date() == datetime.now(BERLIN).date() else "morgen"
    assert anna.messages[0].text.startswith(f"⏰ Erinnerung: {day}, {local:%H:%M} Uhr")
    assert "Kurzfristige Abstimmung (Termin)" in anna.messages[0].text
    assert bernd.messages[0].text.startswith("⏰ Reminder: ")
    assert juergen.messages == []


async def test_a_meeting_moved_in_the_chat_is_announced(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await set_person(sessions, ANNA, quiet_start=None, quiet_end=None)
    await start_bot()
    martin, anna = api.user(MARTIN, "Martin"), api.user(ANNA, "Anna")
    carla = api.user(CARLA, "Carla")
    await martin.send("/termin_verschieben")
    await martin.press("Sitzung des Sozialausschusses")
    await martin.send("23.3.2027 15:00")
    await martin.press("Gleiche Dauer wie bisher")
    await martin.press("Ort beibehalten")
    await martin.send("Der Saal ist belegt")
    await martin.press("✅ Verschieben")
    notice = await anna.wait_for(lambda message: "Termin geändert" in message.text)
    assert "💬 Grund: Der Saal ist belegt" in notice.text
    assert "Beginn: Montag, 22. März 2027, 14:00 Uhr → Dienstag, 23. März 2027, 15:00 Uhr" in (
        notice.text
    )
    assert notice.buttons[0][0].data.startswith("mtg:show:")
    await carla.wait_for(lambda message: "Termin geändert" in message.text)  # the other admin
    await api.settle()
    assert not any("Termin geändert" in message.text for message in martin.messages)
