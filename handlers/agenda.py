"""/tagesordnung [Datum|Gremium]: the agenda of the next session (or of a day or committee)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.access import Caller, members_only
from bot.i18n import format_day
from bot.parsing import parse_date
from bot.screens import show_meeting
from bot.ui import PRIVATE, reply
from storage.models import OrganizationKind
from storage.queries.council import session_agenda
from storage.queries.organizations import of_kind

Context = ContextTypes.DEFAULT_TYPE
# Starts with a digit: meant as a date (anything else is taken as a committee).
DATE_LIKE = re.compile(r"\d")


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
            if not DATE_LIKE.match(text):
                names = ", ".join(c.name for c in committees)
                await reply(
                    update, caller.t("agenda.unknown_committee", text=text, committees=names)
                )
                return
            day = parse_date(text)  # "Den 30.02.2021 gibt es nicht." and the like
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
