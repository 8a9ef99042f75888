"""Group chats: an administrator connects the group by adding the bot; anyone else's add is left.

In a group the bot answers members only and never posts personal data.
"""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import BaseHandler, ChatMemberHandler, ContextTypes

from bot.access import resolve_caller
from bot.i18n import normalize_language, t
from bot.runtime import get_runtime
from bot.services.groups import connect_group, disconnect_group

Context = ContextTypes.DEFAULT_TYPE
PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER}


async def membership_changed(update: Update, context: Context) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type == "private":
        return
    runtime = get_runtime(context)
    was_present = change.old_chat_member.status in PRESENT
    is_present = change.new_chat_member.status in PRESENT
    if was_present and not is_present:
        async with runtime.sessions.begin() as session:
            await disconnect_group(session, chat_id=change.chat.id)
        return
    if was_present or not is_present:
        return
    caller = await resolve_caller(update, runtime)
    if caller is None or not caller.is_admin:
        language = normalize_language(change.from_user.language_code, runtime.settings.language)
        await context.bot.send_message(change.chat.id, t(language, "groups.not_allowed"))
        await context.bot.leave_chat(change.chat.id)
        return
    async with runtime.sessions.begin() as session:
        await connect_group(
            session,
            actor=caller.person,
            chat_id=change.chat.id,
            title=change.chat.title or str(change.chat.id),
            now=runtime.now(),
        )
    await context.bot.send_message(change.chat.id, caller.t("groups.connected"))


HANDLERS: list[BaseHandler[Update, Context, None]] = [
    ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
]
