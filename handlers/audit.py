"""/audit: administrators read the latest entries of the audit log."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes, filters

from bot.access import Caller, admins_only
from bot.i18n import format_short
from bot.ui import reply
from storage.queries import audit

Context = ContextTypes.DEFAULT_TYPE
SHOWN_ENTRIES = 20


@admins_only
async def show_audit(update: Update, context: Context, caller: Caller) -> None:
    runtime = caller.runtime
    async with runtime.sessions() as session:
        entries = await audit.entries(session, limit=SHOWN_ENTRIES)
    lines = [caller.t("audit.header", count=len(entries))]
    lines += [
        caller.t(
            "audit.line",
            when=format_short(entry.at, caller.language, runtime.tz),
            actor=entry.actor_name,
            detail=entry.detail,
        )
        for entry in entries
    ]
    await reply(update, "\n".join(lines))


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    CommandHandler("audit", show_audit, filters=filters.ChatType.PRIVATE),
]
