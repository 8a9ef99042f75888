"""The calendar in the chat: /kalender, /kalender_neu, the 📅 button — and the feeds they open."""

from __future__ import annotations

import re

import httpx
import icalendar
import pytest

from bot.localapi import LocalBotApi
from tests.e2e.conftest import StartBot

pytestmark = pytest.mark.usefixtures("imported")
ANNA, ADMIN = 1003, 1001
FEED = re.compile(r"http://[^/\s]+(/calendar/[A-Za-z0-9_-]+\.ics)")


async def _get(base: str, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base) as client:
        return await client.get(path)


async def test_personal_link_works_until_rotated_or_membership_ends(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    box = await start_bot()
    anna = api.user(ANNA, "Anna")
    replies = await anna.send("/kalender")
    personal = replies[0].text
    assert "persönlich" in personal and "webcal://" in personal
    assert "/calendar/public.ics" in replies[1].text
    assert (
        "Google" in replies[2].text and "Apple" in replies[2].text and "Outlook" in replies[2].text
    )
    first_path = FEED.search(personal).group(1)  # type: ignore[union-attr]
    assert f"{box.bot.http_url}{first_path}" in personal  # the address actually served
    feed = await _get(box.bot.http_url, first_path)
    assert feed.status_code == 200
    calendar = icalendar.Calendar.from_ical(feed.content)
    titles = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert any("Präsentation" in title for title in titles)  # non-public, her own feed

    replies = await anna.send("/kalender")
    assert "bereits geschickt" in replies[0].text

    # /kalender_neu asks first; "no" keeps the link.
    [ask] = await anna.send("/kalender_neu")
    assert ask.text.startswith("Einen neuen persönlichen Kalender-Link erstellen?")
    [kept] = await anna.press("✖️ Nein, behalten")
    assert kept.text == "Gut, Ihr bisheriger Kalender-Link bleibt gültig."
    assert (await _get(box.bot.http_url, first_path)).status_code == 200
    await anna.send("/kalender_neu")
    replies = await anna.press("🔄 Ja, neuer Link")
    rotated = [r.text for r in replies]
    assert any("funktioniert ab sofort nicht mehr" in text for text in rotated)
    second_path = next(FEED.search(text).group(1) for text in rotated if FEED.search(text))
    assert second_path != first_path
    assert (await _get(box.bot.http_url, first_path)).status_code == 404
    assert (await _get(box.bot.http_url, second_path)).status_code == 200

    admin = api.user(ADMIN, "Martin")
    await admin.send("/mitglieder")
    await admin.press("Anna Beispiel")
    await admin.press("Mitgliedschaft beenden")
    await admin.press("Ja, Mitgliedschaft beenden")
    assert (await _get(box.bot.http_url, second_path)).status_code == 404


async def test_calendar_button_sends_one_event(api: LocalBotApi, start_bot: StartBot) -> None:
    await start_bot()
    anna = api.user(ANNA, "Anna")
    await anna.send("/tagesordnung 5.7.2021")
    replies = await anna.press("📅 In den Kalender")
    document = replies[-1].document
    assert document is not None and document.filename.endswith(".ics")
    event = next(iter(icalendar.Calendar.from_ical(document.data).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Sitzung des Sozialausschusses"
    assert event.decoded("DTSTART").astimezone(tz=None).utcoffset() is not None
    assert "TOP 3" in str(event["DESCRIPTION"])


async def test_calendar_links_are_never_posted_in_a_group(
    api: LocalBotApi, start_bot: StartBot
) -> None:
    await start_bot()
    admin, anna = api.user(ADMIN, "Martin"), api.user(ANNA, "Anna")
    group = api.group(-300, "Lenkungsgruppe")
    await group.add_bot(by=admin)
    before = len(group.messages)
    await group.send(anna, "/kalender")
    assert len(group.messages) == before
