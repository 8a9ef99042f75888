"""The composition root: builds the python-telegram-bot Application and registers every handler.

This is the one place that imports `handlers`. The order of `handler_lists()` is the order in
which python-telegram-bot tries the handlers of group 0: specific commands first, catch-alls last.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationBuilder, BaseHandler, ContextTypes

from bot.commands import publish_menus
from bot.dialogues import ChatOrderedProcessor, DialogueMemory, SavingRateLimiter
from bot.instrumented import InstrumentedApplication
from bot.jobs import schedule_jobs
from bot.menus import publish_personal_menu
from bot.reply_budget import BudgetRateLimiter
from bot.runtime import RUNTIME_KEY, BotApplication, Runtime
from bot.services.delivery.budget import send_budget_for
from bot.services.members import ensure_admins
from handlers import (
    agenda,
    agenda_admin,
    agenda_edit,
    attendance,
    attendance_admin,
    audit,
    broadcast,
    calendar,
    cancel,
    errors,
    fallback,
    groups,
    help,
    invites,
    language,
    meeting_admin,
    meetings,
    members,
    paper_admin,
    paper_edit,
    paper_reading,
    papers,
    privacy,
    questions,
    search,
    start,
)
from handlers import settings as member_settings  # aliased: `settings` is a local name below
from storage.queries.members import current_admins

HandlerList = list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]


def handler_lists(dialogues: DialogueMemory) -> list[HandlerList]:
    """Every handler in the order python-telegram-bot tries them (group 0).

    Built for each Application: the dialogues (`handlers()`) read their state from the
    application's dialogue store (bot/dialogues), which keeps it in the database.
    """
    return [
        groups.HANDLERS,  # the bot added to / removed from a group
        attendance.handlers(
            dialogues
        ),  # answer buttons; 👥 takes the deputy's name as the next text
        invites.handlers(dialogues),  # /einladen dialogue (first: its states take text input)
        meeting_admin.handlers(dialogues),  # /termin_neu, /termin_verschieben, /termin_absagen
        paper_admin.handlers(dialogues),  # /vorlage_neu, /vorlage_anlage (takes documents)
        agenda_edit.handlers(dialogues),  # ➕/✏️ in /tagesordnung_bearbeiten: items typed
        paper_edit.handlers(dialogues),  # /vorlage_bearbeiten and ✏️ on a Vorlage: corrections
        start.HANDLERS,  # /start, also redeems invitation deep links
        help.HANDLERS,  # /help
        meetings.HANDLERS,  # /termine and the meeting view
        attendance_admin.HANDLERS,  # /teilnahme: who comes, by faction; CSV
        agenda.HANDLERS,  # /tagesordnung
        agenda_admin.HANDLERS,  # /tagesordnung_bearbeiten: an agenda corrected with buttons
        papers.HANDLERS,  # /vorlage and its documents
        search.HANDLERS,  # /suche
        calendar.HANDLERS,  # /kalender, /kalender_neu, single-event .ics
        members.HANDLERS,  # /mitglieder: roles and ending memberships
        language.HANDLERS,  # /sprache
        privacy.HANDLERS,  # /meine_daten, /austreten
        audit.HANDLERS,  # /verlauf (alias /audit)
        member_settings.HANDLERS,  # /einstellungen: notices, reminder times, quiet hours
        broadcast.handlers(dialogues),  # /rundschreiben dialogue
        cancel.HANDLERS,  # /abbrechen when no dialogue runs (a running one takes it first)
        # A document sent outside any dialogue is read as a Vorlage (after the dialogues, so
        # /vorlage_neu's document step and a broadcast's attachment keep theirs).
        paper_reading.HANDLERS,
        questions.HANDLERS,  # typed text outside dialogues: Rückfragen and their answers
        fallback.HANDLERS,  # last: strangers' refusal, unknown commands and buttons
    ]


def build_application(runtime: Runtime) -> BotApplication:
    """Build the bot from the settings; `gremienbot run`, the demo and the tests all use this."""
    settings = runtime.settings
    # One send budget for the bot's replies and the delivery worker's bulk sends (replies
    # first; on PostgreSQL shared by every instance). The runner hands it to the worker.
    budget = runtime.send_budget = send_budget_for(settings.delivery_rate, runtime.sessions)
    builder = (
        ApplicationBuilder()
        .application_class(InstrumentedApplication)  # metrics of every update (bot/metrics.py)
        .token(settings.require_token())
        .base_url(settings.api_base_url)
        # Direct replies take their token from the shared send budget and wait out a
        # flood-control answer instead of failing (bot/reply_budget.py). Before a request goes
        # out while an update is handled, the chat's dialogue is stored (bot/dialogues): an
        # answer never runs ahead of the stored state.
        .rate_limiter(SavingRateLimiter(BudgetRateLimiter(budget), runtime.dialogues))
    )
    # Chats in parallel, each chat in order; dialogue state loaded and stored around each
    # update (bot/dialogues/processor.py).
    processor = ChatOrderedProcessor(runtime, concurrency=runtime.concurrent_updates)
    builder = builder.concurrent_updates(processor)
    if settings.api_base_file_url:
        builder = builder.base_file_url(settings.api_base_file_url)
    application = builder.build()
    processor.application = application
    application.bot_data[RUNTIME_KEY] = runtime
    # Before everything (group -1): the typed correction of a read Vorlage's field, taken only
    # when this chat's document draft waits for one (handlers/paper_reading.py).
    application.add_handlers(paper_reading.CORRECTIONS, group=-1)
    for handler_list in handler_lists(runtime.dialogues):
        application.add_handlers(handler_list)
    application.add_error_handler(errors.on_error)
    schedule_jobs(application)  # reminders, broadcast status messages (bot/jobs.py)
    return application


async def on_startup(application: BotApplication) -> None:
    """Work to do once the bot is initialized, before it takes updates."""
    runtime: Runtime = application.bot_data[RUNTIME_KEY]
    async with runtime.sessions.begin() as session:
        await ensure_admins(
            session,
            telegram_ids=runtime.settings.admins,
            group_key=runtime.settings.group_key,
            now=runtime.now(),
        )
        admins = await current_admins(
            session, group_key=runtime.settings.group_key, today=runtime.today()
        )
    await publish_menus(application.bot)
    for admin in admins:
        await publish_personal_menu(
            application.bot, admin, admin.language or runtime.settings.language
        )
