"""The administrator's status message of a broadcast, edited in place until all is delivered.

A repeating JobQueue job per broadcast reads the delivery report from the database every
PROGRESS_INTERVAL seconds (never per message) and edits the message when the counts changed;
the last edit is the final report: delivered, not reached by name with the reason, still
pending. A job (not a task) because the JobQueue stops with the application, while
`Application.create_task` would hold up the shutdown until the broadcast is done. The
announcement remembers its status message, so after a restart `resume_reports` takes over.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import person_language, t
from bot.runtime import BotApplication, Runtime, get_runtime
from bot.services.broadcast import unlinked_names
from bot.services.delivery import DeliveryReport, delivery_report, render_report
from storage.models import Announcement, Person
from storage.queries.broadcasts import reports_in_progress

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 3.0  # seconds between looks at the report (module-level: tests shorten it)


@dataclass
class StatusMessage:
    announcement_id: int
    chat_id: int
    message_id: int
    language: str
    unlinked: list[str]
    shown: tuple[int, int, int, int] | None = field(default=None)


def status_text(report: DeliveryReport, language: str, unlinked: list[str]) -> str:
    text = render_report(report, language)
    if unlinked:
        text += "\n\n" + t(language, "broadcast.unlinked", names=", ".join(unlinked))
    return text


def relink_markup(report: DeliveryReport, status: StatusMessage) -> InlineKeyboardMarkup | None:
    """On the final report, when someone was not reached (not linked, or blocked): a button
    for new invitation links for them (handlers/members.py, `mem:relinkann:<id>`)."""
    if not report.finished or not (status.unlinked or report.unreachable):
        return None
    label = t(status.language, "members.relink_unreached")
    data = f"mem:relinkann:{status.announcement_id}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


async def _update(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    assert job is not None and isinstance(job.data, StatusMessage)
    status = job.data
    runtime = get_runtime(context)
    async with runtime.sessions() as session:
        report = await delivery_report(session, announcement_id=status.announcement_id)
    if report.counts() != status.shown:
        try:
            await context.bot.edit_message_text(
                status_text(report, status.language, status.unlinked),
                chat_id=status.chat_id,
                message_id=status.message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=relink_markup(report, status),
            )
            status.shown = report.counts()
        except BadRequest as error:
            if "not modified" in str(error).lower():
                status.shown = report.counts()
            else:  # e.g. the administrator deleted the message: nothing left to update
                log.info("broadcast %s: status message gone (%s)", status.announcement_id, error)
                job.schedule_removal()
                return
        except TelegramError as error:  # flood control, network: the next run tries again
            log.info("broadcast %s: status not updated (%s)", status.announcement_id, error)
            return
    if report.finished and status.shown == report.counts():
        job.schedule_removal()


def follow(application: BotApplication, status: StatusMessage) -> None:
    """Keep `status` up to date until every delivery of the broadcast is settled."""
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.run_repeating(
        _update,
        interval=PROGRESS_INTERVAL,
        first=0.0,
        data=status,
        name=f"broadcast-status:{status.announcement_id}",
        job_kwargs={"max_instances": 1, "coalesce": True},
    )


async def resume_reports(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start: follow again every broadcast still in delivery that has a status message."""
    runtime: Runtime = get_runtime(context)
    async with runtime.sessions() as session:
        announcements = await reports_in_progress(session)
        statuses = [await _status_of(session, runtime, a) for a in announcements]
    for status in statuses:
        follow(context.application, status)


async def _status_of(
    session: AsyncSession, runtime: Runtime, announcement: Announcement
) -> StatusMessage:
    author = await session.get(Person, announcement.author_id) if announcement.author_id else None
    language = (
        person_language(author, runtime.settings.language) if author else runtime.settings.language
    )
    assert announcement.report_chat_id is not None and announcement.report_message_id is not None
    return StatusMessage(
        announcement_id=announcement.id,
        chat_id=announcement.report_chat_id,
        message_id=announcement.report_message_id,
        language=language,
        unlinked=await unlinked_names(
            session, announcement=announcement, settings=runtime.settings
        ),
    )
