"""Periodic work of the running bot, on python-telegram-bot's JobQueue.

* Reminders: `run_due_reminders` once a minute (and once right after the start, so a restart
  makes up what was due while the bot was down). The JobQueue rather than a hand-written
  asyncio loop: it starts and stops with the application, skips a run while the previous one
  is still busy, and reports exceptions to the application's error handler. The job holds no
  state of its own: every run derives what is due from the database (bot/services/reminders).
* Broadcast status messages: followed again after a restart (bot/broadcast_progress).
* OParl sync: every GREMIENBOT_OPARL_INTERVAL seconds when GREMIENBOT_OPARL_URL is set. Never
  twice at once: the JobQueue's max_instances=1 in this process, and the sync itself takes an
  in-process lock (SQLite) or a PostgreSQL advisory lock (several instances).
"""

from __future__ import annotations

import logging

from telegram.ext import ContextTypes

from bot.broadcast_progress import resume_reports
from bot.periodic import run_once_per_period
from bot.runtime import RUNTIME_KEY, BotApplication, get_runtime
from bot.services.oparl import ServerDown, SyncBusy, SyncConfigError, SyncResult, sync_oparl
from bot.services.reminders import run_due_reminders

log = logging.getLogger(__name__)
REMINDER_INTERVAL = 60.0  # seconds; a reminder is at most this late
REMINDER_FIRST = 1.0  # seconds after the start


async def send_due_reminders(context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = get_runtime(context)

    async def work() -> int:
        async with runtime.sessions.begin() as session:
            return await run_due_reminders(session, now=runtime.now(), settings=runtime.settings)

    # Once per minute across all instances (bot/periodic.py); the outbox's unique event key
    # would drop a second run's rows anyway, this saves the work.
    queued = await run_once_per_period(
        runtime, job="reminders", interval=REMINDER_INTERVAL, work=work
    )
    if queued:
        log.info("queued %d reminders", queued)


async def run_oparl_sync(context: ContextTypes.DEFAULT_TYPE) -> None:
    runtime = get_runtime(context)
    settings = runtime.settings

    async def sync_once() -> SyncResult:
        return await sync_oparl(
            runtime.sessions,
            settings=settings,
            notifier=runtime.change_notifier(None),
            now=runtime.now(),
        )

    try:
        # Once per interval across all instances (bot/periodic.py); the sync's own lock keeps
        # a slow run and the next one apart.
        result = await run_once_per_period(
            runtime, job="oparl-sync", interval=float(settings.oparl_interval), work=sync_once
        )
    except SyncBusy:
        log.info("OParl sync skipped: another sync is running")
        return
    except (ServerDown, SyncConfigError) as error:
        log.warning("OParl sync failed: %s", error)  # the next interval tries again
        return
    if result is not None:
        log.info("OParl sync: %s", result.report.one_line())


def schedule_jobs(application: BotApplication) -> None:
    """Register the periodic jobs; they run once the application has started."""
    queue = application.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    queue.run_repeating(
        send_due_reminders,
        interval=REMINDER_INTERVAL,
        first=REMINDER_FIRST,
        name="reminders",
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": 30},
    )
    queue.run_once(resume_reports, when=0.0, name="broadcast-status-resume")
    settings = application.bot_data[RUNTIME_KEY].settings
    if settings.oparl_url and settings.oparl_interval > 0:
        queue.run_repeating(
            run_oparl_sync,
            interval=float(settings.oparl_interval),
            first=1.0,
            name="oparl-sync",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )
