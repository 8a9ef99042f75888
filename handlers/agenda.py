"""/tagesordnung [Datum|Gremium]: the agenda of the next session (or of a day or committee)."""

from __future__ import annotations

from datetime import date, datetime

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.i18n import format_day
from bot.screens import show_meeting
from bot.ui import PRIVATE, reply
from storage.models import OrganizationKind
from storage.queries.council import session_agenda
from storage.queries.organizations import of_kind

Context = ContextTypes.DEFAULT_TYPE
DAY_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")


def _parse_day(text: str) -> date | None:
    for day_format in DAY_FORMATS:
        try:
            return datetime.strptime(text, day_format).date()
        except ValueError:
            continue
    return None


@members_only
async def agenda(update: Update, context: Context, caller: Caller) -> None:
    runtime = caller.runtime
    text = " ".join(context.args or []).strip()
    async with runtime.sessions() as session:
        committees = await of_kind(session, kind=OrganizationKind.COMMITTEE)
        committee = next(
            (c for c in committees if text.lower() in (c.key.lower(), c.name.lower())), None
        )
        day = None
        if text and committee is None:
            day = _parse_day(text)
            if day is None:
                names = ", ".join(c.name for c in committees)
                await reply(
                    update, caller.t("agenda.unknown_committee", text=text, committees=names)
                )
                return
        meeting = await session_agenda(
            session,
            now=runtime.now(),
            tz=runtime.tz,
            day=day,
            organization_key=committee.key if committee else None,
        )
    if meeting is None:
        if day is not None:
            await reply(
                update, caller.t("agenda.no_session_on", day=format_day(day, caller.language))
            )
        else:
            await reply(update, caller.t("agenda.no_session"))
        return
    await show_meeting(update, caller, meeting.id)


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("tagesordnung", agenda, filters=PRIVATE),
]
