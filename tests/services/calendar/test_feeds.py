"""The feed services on both databases: who sees what, secrets, moved meetings, caching."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import UserError
from bot.services.calendar import (
    FeedCache,
    committee_feed,
    issue_calendar_secret,
    meeting_ics,
    personal_feed,
    personal_feed_urls,
    public_feed,
    public_feed_url,
    revoke_calendar_secret,
)
from bot.services.invites import hash_token
from storage.models import AgendaItem, Meeting, Membership, Person
from tests.calendar_ics import events_by_uid, parse_both, properties
from tests.calendar_samples import BOT, SECRET_WORD, berlin, build_sample, settings

SETTINGS = settings()
TODAY = date(2021, 7, 1)
Sessions = async_sessionmaker[AsyncSession]


async def _issue(sessions: Sessions, person: Person) -> str:
    async with sessions.begin() as session:
        return await issue_calendar_secret(session, person=person)


async def _personal(sessions: Sessions, secret: str, **extra: object) -> bytes | None:
    async with sessions() as session:
        feed = await personal_feed(
            session, settings=SETTINGS, secret=secret, bot_username=BOT, today=TODAY, **extra
        )
    return None if feed is None else feed.body


async def _public(sessions: Sessions) -> bytes:
    async with sessions() as session:
        return (await public_feed(session, settings=SETTINGS, bot_username=BOT)).body


def _uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.id}@gremienbot"


async def test_public_feed_has_only_public_sessions_and_public_items(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    body = await _public(sessions)
    parse_both(body)
    assert set(events_by_uid(body)) == {
        _uid(sample.summer),
        _uid(sample.winter),
        _uid(sample.cancelled),
    }
    text = body.decode()
    assert SECRET_WORD not in text  # no closed meeting, presentation, appointment or item
    assert "TOP 5: Entwicklung einer Sozialstrategie" in events_by_uid(body)[_uid(sample.summer)][
        "DESCRIPTION"
    ].replace("\\", "")
    assert "ATTENDEE" not in text and "Dora" not in text and "Anna" not in text
    assert properties(body, "METHOD") == ["PUBLISH"]
    assert body == await _public(sessions)  # byte-stable


async def test_committee_feed_has_one_committee(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
        feed = await committee_feed(session, settings=SETTINGS, key="kreistag", bot_username=BOT)
        assert feed is not None
        assert set(events_by_uid(feed.body)) == {_uid(sample.cancelled)}
        assert properties(feed.body, "X-WR-CALNAME") == ["Gremienbot – Kreistag"]
        for unknown in ("nonexistent", "spd"):  # no such key; a faction is no committee
            assert (
                await committee_feed(session, settings=SETTINGS, key=unknown, bot_username=BOT)
            ) is None


async def test_personal_feed_shows_everything_with_own_answers_only(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    body = await _personal(sessions, await _issue(sessions, sample.anna))
    assert body is not None
    parse_both(body)
    events = events_by_uid(body)
    assert len(events) == 6  # sessions, presentation, appointment, public or not
    presentation = events[_uid(sample.presentation)]
    assert presentation["SUMMARY"].startswith("[Zugesagt] Lenkungsgruppe Sozialstrategie: ")
    appointment = events[_uid(sample.appointment)]
    assert appointment["SUMMARY"].startswith("[Abgesagt] ")
    assert appointment["TRANSP"] == "TRANSPARENT"
    assert events[_uid(sample.summer)]["TRANSP"] == "OPAQUE"
    assert "(nicht öffentlich): Personalangelegenheit" in events[_uid(sample.summer)]["DESCRIPTION"]
    assert properties(body, "X-WR-CALNAME") == ["Gremienbot – Anna Beispiel"]
    text = body.decode()
    # Bernd's deputy and maybe answers never show up in Anna's feed.
    assert "Dora" not in text and "Vielleicht" not in text and "Vertretung" not in text
    assert "ATTENDEE" not in text and "Bernd" not in text


async def test_personal_feed_speaks_the_members_language(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    body = await _personal(sessions, await _issue(sessions, sample.bernd))
    assert body is not None
    events = events_by_uid(body)
    assert events[_uid(sample.summer)]["SUMMARY"].startswith("[Deputy: Dora Vertreterin] ")
    assert events[_uid(sample.presentation)]["SUMMARY"].startswith("[Maybe] ")
    assert events[_uid(sample.cancelled)]["SUMMARY"].startswith("Cancelled: ")
    assert "Zugesagt" not in body.decode()  # not Anna's answer


async def test_secret_is_stored_only_as_hash_and_rotation_revokes(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    first = await _issue(sessions, sample.anna)
    assert len(first) >= 43
    async with sessions() as session:
        stored = await session.get(Person, sample.anna.id)
        assert stored is not None
        assert stored.calendar_secret_hash == hash_token(first) != first
    second = await _issue(sessions, sample.anna)
    assert second != first
    assert await _personal(sessions, first) is None
    assert await _personal(sessions, second) is not None
    async with sessions.begin() as session:
        await revoke_calendar_secret(session, person=sample.anna)
    assert await _personal(sessions, second) is None
    assert await _personal(sessions, "") is None
    assert await _personal(sessions, "x" * 500) is None


async def test_no_secret_for_an_erased_person(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    async with sessions.begin() as session:
        person = await session.get(Person, sample.clara.id)
        assert person is not None
        person.erased_at = datetime.now(UTC)
    with pytest.raises(UserError) as raised:
        await _issue(sessions, sample.clara)
    assert raised.value.key == "calendar.not_a_member"
    async with sessions() as session:
        person = await session.get(Person, sample.clara.id)
        assert person is not None and person.calendar_secret_hash is None


async def test_no_feed_once_the_membership_has_ended(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    secret = await _issue(sessions, sample.clara)  # her membership ended on 30 June 2021
    assert await _personal(sessions, secret) is None
    anna = await _issue(sessions, sample.anna)
    async with sessions.begin() as session:
        membership = (
            await session.execute(select(Membership).where(Membership.person_id == sample.anna.id))
        ).scalar_one()
        membership.end_date = date(2021, 7, 1)
    assert await _personal(sessions, anna) is None
    async with sessions.begin() as session:
        membership = (
            await session.execute(select(Membership).where(Membership.person_id == sample.anna.id))
        ).scalar_one()
        membership.end_date = None
        person = await session.get(Person, sample.anna.id)
        assert person is not None
        person.erased_at = datetime.now(UTC)
    assert await _personal(sessions, anna) is None


async def test_moved_meeting_keeps_uid_and_raises_sequence(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    before = events_by_uid(await _public(sessions))[_uid(sample.summer)]
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, sample.summer.id)
        assert meeting is not None
        meeting.start = berlin(2021, 7, 12)
        meeting.end = berlin(2021, 7, 12, 17)
        meeting.sequence += 1
    after = events_by_uid(await _public(sessions))[_uid(sample.summer)]
    assert after["UID"] == before["UID"]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART;TZID=Europe/Berlin"] == "20210712T140000"
    assert after["DTSTAMP"] >= before["DTSTAMP"]


async def test_etag_and_last_modified_follow_the_content(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
        first = await public_feed(session, settings=SETTINGS, bot_username=BOT)
        again = await public_feed(session, settings=SETTINGS, bot_username=BOT)
        assert first.etag == again.etag and first.etag.startswith('"')
        assert first.last_modified is not None
        # The newest change of anything shown: the newest DTSTAMP in the feed.
        assert first.last_modified.strftime("%Y%m%dT%H%M%SZ") == max(
            properties(first.body, "DTSTAMP")
        )
        assert first.last_modified >= max(
            row.updated_at for row in (sample.summer, sample.winter, sample.cancelled)
        )
    async with sessions.begin() as session:
        item = (
            await session.execute(select(AgendaItem).where(AgendaItem.number == "5"))
        ).scalar_one()
        item.name = "Geänderter Titel"
    async with sessions() as session:
        changed = await public_feed(session, settings=SETTINGS, bot_username=BOT)
    assert changed.etag != first.etag
    assert changed.last_modified is not None and changed.last_modified > first.last_modified


async def test_cache_sees_every_change_even_with_an_older_update_time(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
    secret = await _issue(sessions, sample.anna)
    cache = FeedCache()
    first = await _personal(sessions, secret, cache=cache)
    assert await _personal(sessions, secret, cache=cache) == first
    assert len(cache) == 1
    # A change whose transaction stamped an update time older than the newest row's (a late
    # commit) must still reach the feed.
    async with sessions.begin() as session:
        meeting = await session.get(Meeting, sample.winter.id)
        assert meeting is not None
        meeting.location = "Kreishaus, Raum 2"
        meeting.updated_at = sample.winter.updated_at - timedelta(days=1)
    changed = await _personal(sessions, secret, cache=cache)
    assert changed is not None and b"Kreishaus" in changed
    async with sessions.begin() as session:
        row = await session.get(Meeting, sample.closed.id)
        await session.delete(row)
    removed = await _personal(sessions, secret, cache=cache)
    assert removed is not None and _uid(sample.closed) not in events_by_uid(removed)
    # The membership check is never cached.
    await _issue(sessions, sample.anna)
    assert await _personal(sessions, secret, cache=cache) is None


async def test_single_event_file_and_feed_urls(sessions: Sessions) -> None:
    async with sessions() as session:
        sample = await build_sample(session)
        body = await meeting_ics(
            session, settings=SETTINGS, meeting_id=sample.summer.id, language="de", bot_username=BOT
        )
        assert body is not None
        assert set(events_by_uid(body)) == {_uid(sample.summer)}
        assert "Personalangelegenheit" in body.decode()  # for a member: the whole agenda
        missing = await meeting_ics(
            session, settings=SETTINGS, meeting_id=999_999, language="de", bot_username=BOT
        )
        assert missing is None
    https, webcal = personal_feed_urls(SETTINGS, "abc_DEF-123")
    assert https == "https://bot.example.org/calendar/abc_DEF-123.ics"
    assert webcal == "webcal://bot.example.org/calendar/abc_DEF-123.ics"
    assert public_feed_url(SETTINGS) == "https://bot.example.org/calendar/public.ics"
