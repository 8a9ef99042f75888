"""What the administrators' council dialogues share (handlers/meeting_admin.py,
handlers/paper_admin.py): drafts, typed input, the ✖️ button, and the notification hook.

Only the dialogue begun last takes typed input. Each dialogue is its own ConversationHandler,
and python-telegram-bot gives a message to the first one whose handlers match; a filter
(`active`) therefore lets a dialogue match typed input only while it is the current one of
that chat and user, so a dialogue left open never takes an answer meant for a newer one. Its
old buttons end it with a short note. The record of the current dialogue lives in memory,
like python-telegram-bot's own conversation state, and for the same keys; it belongs to the
application (`bot_data`), so every Application built in one process has its own.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler, filters
from telegram.warnings import PTBUserWarning

from bot.access import Callback, Caller, GuardedCallback, admins_only
from bot.services.importer import Notifier
from bot.ui import Button, answer_query, reply

Context = ContextTypes.DEFAULT_TYPE
END = ConversationHandler.END
# The hook for the notification service: `application.bot_data[NOTIFIER_KEY]` holds a factory
# that makes the importer's Notifier for an acting person, so every change made in these
# dialogues notifies members (but not the actor), inside the change's transaction.
NOTIFIER_KEY = "council_change_notifier"

DIALOGUES_KEY = "current_dialogues"
# (chat id, user id) → the dialogue taking input; one registry per application.
Registry = dict[tuple[int, int], str]


def new_registry(bot_data: dict[Any, Any]) -> Registry:
    """The application's registry, created with it (bot/app.py) and handed to the filters."""
    registry: Registry = bot_data.setdefault(DIALOGUES_KEY, {})
    return registry


def _registry(context: Context) -> Registry:
    return new_registry(context.bot_data)


def _key(update: Update) -> tuple[int, int] | None:
    chat, user = update.effective_chat, update.effective_user
    return (chat.id, user.id) if chat is not None and user is not None else None


def _is_current(registry: Registry, update: Update, dialogue: str) -> bool:
    key = _key(update)
    return key is not None and registry.get(key) == dialogue


class _Current(filters.UpdateFilter):
    """Matches while `dialogue` is the current dialogue of the update's chat and user."""

    def __init__(self, dialogue: str, registry: Registry) -> None:
        super().__init__(name=f"current dialogue {dialogue}")
        self.dialogue = dialogue
        self.registry = registry

    def filter(self, update: Update) -> bool:
        return _is_current(self.registry, update, self.dialogue)


def active(dialogue: str, registry: Registry) -> filters.UpdateFilter:
    return _Current(dialogue, registry)


def _user_data(context: Context) -> dict[Any, Any]:
    assert context.user_data is not None
    return context.user_data


def draft(context: Context, dialogue: str) -> dict[str, Any]:
    found: dict[str, Any] = _user_data(context).setdefault(f"{dialogue}_draft", {})
    return found


def _context_key(context: Context) -> tuple[int, int] | None:
    # The ids python-telegram-bot took from the update for this context (its conversation key
    # too); read here so that the dialogues' helpers need only the context.
    chat_id, user_id = context._chat_id, context._user_id
    return (chat_id, user_id) if chat_id is not None and user_id is not None else None


def begin_dialogue(context: Context, dialogue: str) -> dict[str, Any]:
    """Make `dialogue` the one that takes input, with an empty draft."""
    key = _context_key(context)
    if key is not None:
        _registry(context)[key] = dialogue
    fresh = draft(context, dialogue)
    fresh.clear()
    return fresh


def end_dialogue(context: Context, dialogue: str) -> int:
    draft(context, dialogue).clear()
    key = _context_key(context)
    registry = _registry(context)
    if key is not None and registry.get(key) == dialogue:
        del registry[key]
    return END


def step(dialogue: str) -> Callable[[GuardedCallback[int]], Callback[int]]:
    """`admins_only` for a step of `dialogue`; a button of a dialogue that another one has
    replaced since ends it."""

    def decorate(callback: GuardedCallback[int]) -> Callback[int]:
        @functools.wraps(callback)
        async def current(update: Update, context: Context, caller: Caller) -> int:
            if not _is_current(_registry(context), update, dialogue):
                draft(context, dialogue).clear()
                await answer_query(update)
                await reply(update, caller.t("admin_dialogue.replaced"))
                return END
            return await callback(update, context, caller)

        return admins_only(current)

    return decorate


def conversation(**options: Any) -> ConversationHandler[Context]:
    """A dialogue's ConversationHandler. Typed answers and buttons mix, so it is tracked per
    chat and user, not per message; python-telegram-bot warns about exactly that combination,
    which is intended here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return ConversationHandler(**options)


def typed(update: Update) -> str:
    """The typed answer on one line (whitespace collapsed)."""
    return " ".join(raw_text(update).split())


def raw_text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message else ""


def is_dash(text: str) -> bool:
    """'-' (or a dash a phone keyboard made of it) answers "none"."""
    return text.strip() in ("-", "–", "—")


def abort_row(caller: Caller, prefix: str) -> list[Button]:
    return [(caller.t("admin_dialogue.abort_button"), f"{prefix}:abort")]


def with_abort(
    caller: Caller, prefix: str, rows: Sequence[Sequence[Button]] = ()
) -> list[list[Button]]:
    """The dialogue's buttons plus the ✖️ row that ends it."""
    return [list(row) for row in rows] + [abort_row(caller, prefix)]


def yes_no_rows(
    yes: tuple[str, str], no: tuple[str, str], *, usual_yes: bool, caller: Caller
) -> list[list[Button]]:
    """Two answers, the usual one first and marked as usual."""
    usual, other = (yes, no) if usual_yes else (no, yes)
    return [[(caller.t("admin_dialogue.usual", label=usual[0]), usual[1])], [other]]


async def abort(update: Update, context: Context, caller: Caller, dialogue: str) -> int:
    """/abbrechen or ✖️: end the dialogue; nothing was stored."""
    await answer_query(update)
    await reply(update, caller.t("admin_dialogue.aborted"), edit=update.callback_query is not None)
    return end_dialogue(context, dialogue)


@admins_only
async def use_buttons(update: Update, context: Context, caller: Caller) -> None:
    """Typed text where the dialogue waits for a button: say so (the state stays)."""
    await reply(update, caller.t("admin_dialogue.use_buttons"))


async def stale_button(update: Update, context: Context, caller: Caller) -> None:
    """A dialogue's button pressed when no dialogue waits for it (old or replayed)."""
    await answer_query(update, caller.t("access.bad_button"), alert=True)


NotifierFactory = Callable[[int | None], Notifier]


def change_notifier(context: Context, caller: Caller) -> Notifier | None:
    """The notifier for a change made by `caller`: members are told, the caller is not (they
    made the change and see its result in the dialogue)."""
    factory: NotifierFactory | None = context.bot_data.get(NOTIFIER_KEY)
    return factory(caller.person.id) if factory is not None else None
