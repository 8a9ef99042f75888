"""bot/access.py: strangers get the polite refusal, members their answer, admin-only stays so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.access import Caller, Context, admins_only, language_of, members_only
from bot.errors import UserError
from bot.i18n import t
from storage.models import Person
from tests.bot.guarded_app import guarded_app
from tests.conftest import AddMember


@members_only
async def whoami(update: Update, context: Context, caller: Caller) -> None:
    assert update.effective_chat is not None
    await update.effective_chat.send_message(f"{caller.person.name} ({caller.language})")


@admins_only
async def admin_thing(update: Update, context: Context, caller: Caller) -> None:
    assert update.effective_chat is not None
    await update.effective_chat.send_message("admin done")


@members_only
async def failing(update: Update, context: Context, caller: Caller) -> None:
    raise UserError("access.bad_button")


HANDLERS = [
    CommandHandler("whoami", whoami),
    CommandHandler("admin", admin_thing),
    CommandHandler("failing", failing),
    CallbackQueryHandler(whoami),
]


async def test_strangers_members_and_administrators_get_what_they_may(
    database_url: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    add_member: AddMember,
) -> None:
    await add_member("Anna Beispiel", 501, faction="spd")
    await add_member("Dr. Martin Muster", 502, admin=True, language="en")
    async with guarded_app(database_url, engine, sessions, HANDLERS) as api:
        stranger = api.user(500, "Eve", language_code="de")
        [refusal] = await stranger.send("/whoami")
        assert refusal.html == t("de", "start.stranger")

        anna = api.user(501, "Anna", language_code="de")
        assert [m.text for m in await anna.send("/whoami")] == ["Anna Beispiel (de)"]
        [not_allowed] = await anna.send("/admin")
        assert not_allowed.html == t("de", "access.admin_only")
        [error] = await anna.send("/failing")  # a service's UserError is shown, not raised
        assert error.html == t("de", "access.bad_button")

        admin = api.user(502, "Martin", language_code="de")
        assert [m.text for m in await admin.send("/admin")] == ["admin done"]
        # The member's own language choice wins over Telegram's.
        assert [m.text for m in await admin.send("/whoami")] == ["Dr. Martin Muster (en)"]


async def test_a_strangers_button_press_gets_the_refusal_as_an_alert(
    database_url: str,
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    add_member: AddMember,
) -> None:
    await add_member("Anna Beispiel", 501, faction="spd")
    async with guarded_app(database_url, engine, sessions, HANDLERS) as api:
        anna = api.user(501, "Anna", language_code="de")
        await anna.send("/whoami")
        stranger = api.user(500, "Eve", language_code="en")
        await stranger.press_data(anna.last.message_id, "anything")
        [answer] = stranger.callback_answers
        assert answer.show_alert
        assert answer.text == t("en", "access.stranger_button")


def test_language_of_prefers_the_members_choice_then_telegram_then_the_default() -> None:
    chosen = Person(name="A", language="en")
    assert language_of(chosen, "de", "de") == "en"
    assert language_of(Person(name="B"), "en-GB", "de") == "en"
    assert language_of(None, "fr", "de") == "de"
    assert language_of(None, None, "en") == "en"
