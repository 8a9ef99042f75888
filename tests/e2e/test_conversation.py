"""The member's conversation as people really use it (issue 12), end to end: answering
wherever a meeting is shown, members who join after the request went out, citizens following a
public calendar link."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.localapi import LocalBotApi
from bot.services.attendance import (
    ask_open_meetings,
    attendance_notifier,
    combine_notifiers,
    send_requests,
)
from bot.services.council_admin import move_meeting
from bot.services.invites import create_invite
from bot.services.notices import change_notifier
from storage.models import Delivery, DeliveryStatus, File, Meeting, Paper, Person
from tests.attendance_samples import settings
from tests.e2e.conftest import StartBot
from tests.services.delivery.support import wait_until_settled

pytestmark = pytest.mark.usefixtures("imported")
Sessions = async_sessionmaker[AsyncSession]
MARTIN, ANNA, BERND = 1001, 1003, 1004
STRANGER = 4242


async def _meeting(sessions: Sessions, key: str) -> Meeting:
    async with sessions() as session:
        return (await session.execute(select(Meeting).where(Meeting.key == key))).scalar_one()


def _is_request(text: str | None) -> bool:
    return "Bitte um Rückmeldung" in (text or "")


async def test_a_member_who_joins_later_is_asked_at_once_and_answers_anywhere(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    async with sessions.begin() as session:  # the requests went out before Clara joined
        await ask_open_meetings(session, now=datetime.now(UTC), settings=settings())
        admin = (
            await session.execute(select(Person).where(Person.telegram_user_id == MARTIN))
        ).scalar_one()
        invited = await create_invite(
            session,
            actor=admin,
            name="Clara Neu",
            faction_key="spd",
            group_key="lenkungsgruppe",
            now=datetime.now(UTC),
            ttl=timedelta(days=14),
        )
    await start_bot()
    clara = api.user(5005, "Clara")
    await clara.send(f"/start {invited.token}")
    # The three open rsvp meetings of the example reach her at once, through the outbox.
    await clara.wait_for(
        lambda m: sum(_is_request(x.text) for x in clara.messages) >= 3, timeout=15
    )
    assert sum(_is_request(m.text) for m in clara.messages) == 3

    # /meine_termine: one message per meeting with its answer buttons.
    replies = await clara.send("/meine_termine")
    assert len(replies) == 3 and all(_is_request(m.text) for m in replies)
    assert all(m.find_button("✅ Zusage") is not None for m in replies)

    # The meeting view offers the answer buttons too.
    nord = await _meeting(sessions, "praes-2027-03-04-nord")
    anna = api.user(ANNA, "Anna")
    replies = await anna.send(f"/start m{nord.id}")
    assert replies[-1].find_button("✅ Zusage") is not None
    assert "Ihre Antwort: noch keine" in replies[-1].text
    [saved] = await anna.press("✅ Zusage")
    assert "Ihre Antwort: ✅ Zusage" in saved.text
    # Answered ones come last in /meine_termine.
    replies = await anna.send("/meine_termine")
    assert "Sozialplanung Nord" in replies[-1].text


async def test_meine_termine_shows_five_and_then_a_more_button(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    async with sessions.begin() as session:
        await session.execute(update(Meeting).values(rsvp=True))
    await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/meine_termine")
    assert len(replies) == 6  # five meetings, then the "Weitere" message
    assert replies[-1].find_button("Weitere ▶️") is not None
    more = await anna.press("Weitere ▶️")
    assert more and all(m.find_button("✅ Zusage") is not None for m in more)


async def test_a_stranger_sees_a_public_meeting_from_a_calendar_link_and_nothing_else(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    await start_bot()
    stranger = api.user(STRANGER, "Bürger")
    public = await _meeting(sessions, "sa-2027-03-22")
    replies = await stranger.send(f"/start m{public.id}")
    text = "\n".join(m.text for m in replies)
    assert "Sozialausschuss" in text and "22. März 2027" in text
    assert "Dieser Bot informiert die Mitglieder" in text
    assert "Einladungslink ist ungültig" not in text
    assert "nicht öffentlich" not in text.split("Tagesordnung", 1)[-1]
    assert all(not m.buttons for m in replies)

    closed = await _meeting(sessions, "praes-2027-03-04-nord")
    [refused] = await stranger.send(f"/start m{closed.id}")
    assert "Sozialplanung" not in refused.text and "Einladungslink" in refused.text


async def test_small_things_labels_settings_and_cancelled_meetings(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    async with sessions.begin() as session:
        paper = (
            await session.execute(select(Paper).where(Paper.reference == "2027/012"))
        ).scalar_one()
        session.add(
            File(
                paper_id=paper.id,
                file_name="Anlage_<1>&ä.pdf",
                mime_type="application/pdf",
                size=4,
                sha256=hashlib.sha256(b"%PDF").hexdigest(),
                content=b"%PDF",
                created_at=datetime.now(UTC),
            )
        )
        await session.execute(
            update(Person).where(Person.telegram_user_id == ANNA).values(reminder_minutes=[])
        )
        await session.execute(
            update(Meeting).where(Meeting.key == "sa-2027-03-22").values(cancelled=True)
        )
    await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/vorlage 2027/012")
    assert replies[-1].find_button("📎 Anlage_<1>&ä.pdf") is not None  # plain text, no &lt;
    [settings_screen] = await anna.send("/einstellungen")
    assert "Erinnerungen: aus" in settings_screen.text
    assert "keine Zeiten gewählt" not in settings_screen.text
    cancelled = await _meeting(sessions, "sa-2027-03-22")
    replies = await anna.send(f"/start m{cancelled.id}")
    assert "Abgesagt" in replies[0].text
    assert all(m.find_button("📅 In den Kalender") is None for m in replies)


async def test_a_move_is_one_message_per_member_and_a_failed_edit_fails_nothing(
    api: LocalBotApi, start_bot: StartBot, sessions: Sessions
) -> None:
    config = settings()
    nord = await _meeting(sessions, "praes-2027-03-04-nord")
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, nord.id)
        assert meeting is not None
        await send_requests(session, meeting=meeting, now=datetime.now(UTC), settings=config)
    await start_bot()
    anna, bernd = api.user(ANNA, "Anna"), api.user(BERND, "Bernd")
    anna_request = await anna.wait_for(lambda m: _is_request(m.text))
    bernd_request = await bernd.wait_for(lambda m: _is_request(m.text))
    await anna.press("✅ Zusage")
    bernd_request.deleted = True  # Bernd deleted it: editing it will fail
    before = {ANNA: len(anna.messages), BERND: len(bernd.messages)}

    now = datetime.now(UTC)
    async with sessions.begin() as session:
        await move_meeting(
            session,
            actor=None,
            meeting_id=nord.id,
            start=nord.start + timedelta(days=1),
            end=None,
            location="Landratsamt Konstanz, Raum 101",
            now=now,
            tz=config.tz,
            notifier=combine_notifiers(
                [change_notifier(config, now=now), attendance_notifier(config)]
            ),
        )
    changed = "✏️ Termin geändert"
    notice = await anna.wait_for(lambda m: m.text.startswith(changed))
    await bernd.wait_for(lambda m: m.text.startswith(changed))
    await anna.wait_for(lambda m: m is anna_request and "Raum 101" in m.text)
    # Exactly one new message each: the notice with old → new and the question again.
    assert len(anna.messages) == before[ANNA] + 1
    assert len(bernd.messages) == before[BERND] + 1
    assert "📍 Ort: Landratsamt Konstanz, Raum 214 → Landratsamt Konstanz, Raum 101" in (
        notice.text
    )
    assert "Ihre Antwort: ✅ Zusage – bitte bestätigen" in notice.text
    assert notice.find_button("✅ Zusage") is not None
    await wait_until_settled(sessions, timeout=30)
    async with sessions() as session:
        query = select(Delivery.status).where(Delivery.chat_id.in_([ANNA, BERND]))
        statuses = (await session.execute(query)).scalars().all()
    assert set(statuses) == {DeliveryStatus.SENT}  # Bernd's refused edit included
