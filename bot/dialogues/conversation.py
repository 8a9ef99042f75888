"""Dialogues built on python-telegram-bot's ConversationHandler, with their state in the database.

`DialogueHandler` is a ConversationHandler whose conversation table is a view of the chat's
stored dialogue (bot/dialogues/memory.py) instead of a dict in process memory: a chat and user
are in at most one dialogue; a dialogue sees its step only while it is the current one, so
typed input always goes to the dialogue begun last. When a new dialogue replaces one left
open, the old one's buttons say so once. Drafts are typed dataclasses (bot/dialogues/drafts).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    ConversationHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.access import Callback, Caller, GuardedCallback, admins_only, members_only
from bot.dialogues.memory import DialogueMemory, Key
from bot.runtime import get_runtime
from bot.ui import Button, answer_query, reply

Context = ContextTypes.DEFAULT_TYPE
# What a dialogue's text steps take: typed text (no command) in the private chat.
TYPED_TEXT = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
END = ConversationHandler.END
D = TypeVar("D")
_REPLACED = object()  # check result: an old button of a dialogue replaced by a newer one


class _StoredStates(dict[Any, object]):
    """ConversationHandler's conversation table, answered from the stored dialogue of the chat
    whose update is being handled. Only `name`'s own step is visible to its handler."""

    def __init__(self, name: str, memory: DialogueMemory) -> None:
        super().__init__()
        self.name = name
        self.memory = memory

    def get(self, key: Any, default: object = None) -> object:
        slot = self.memory.slots.get(key)
        current = slot.current if slot is not None else None
        if current is None or current.name != self.name or current.state < 0:
            return default
        return current.state

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: Any) -> object:
        state = self.get(key)
        if state is None:
            raise KeyError(key)
        return state

    def __setitem__(self, key: Any, state: object) -> None:
        assert isinstance(state, int), "a dialogue's steps are ints (an IntEnum)"
        self.memory.switch(key, self.name).state = int(state)

    def __delitem__(self, key: Any) -> None:
        end(self.memory, key, self.name)

    def pop(self, key: Any, default: object = None) -> object:
        state = self.get(key, default)
        end(self.memory, key, self.name)
        return state


def end(memory: DialogueMemory, key: Key, name: str) -> None:
    """`name` is over for this chat and user (no-op when another dialogue is current)."""
    slot = memory.slot(key)
    if slot.current is not None and slot.current.name == name and slot.current.state >= 0:
        slot.current.state = -1
        slot.current.draft = {}
        slot.typed = None
        slot.changed = True


class DialogueHandler(ConversationHandler[Context]):
    """A ConversationHandler keyed per chat and user whose state is the stored dialogue."""

    def __init__(
        self,
        *,
        name: str,
        memory: DialogueMemory,
        on_replaced: Callable[[Update, Context], Awaitable[object]],
        **options: Any,
    ) -> None:
        # Typed answers and buttons mix, so a dialogue is tracked per chat and user, not per
        # message; python-telegram-bot warns about that combination, which is intended here.
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message="If 'per_message=False'", category=PTBUserWarning
            )
            super().__init__(name=name, **options)
        self._memory = memory
        self._conversations = _StoredStates(name, memory)
        self._on_replaced = on_replaced

    def check_update(self, update: object) -> Any:
        found = super().check_update(update)
        if found is not None or not isinstance(update, Update) or update.callback_query is None:
            return found
        key = self._get_key(update)
        slot = self._memory.slots.get((int(key[0]), int(key[1])))
        if slot is None or slot.current is None or self.name not in slot.current.replaced:
            return None
        candidates = [h for hs in self.states.values() for h in hs] + list(self.fallbacks)
        for handler in candidates:
            if isinstance(handler, CallbackQueryHandler) and handler.check_update(update):
                return (_REPLACED, key, handler, None)
        return None

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, Context, Any, Any, Any, Any],
        check_result: Any,
        context: Context,
    ) -> object | None:
        if check_result[0] is _REPLACED:
            slot = self._memory.slot(check_result[1])
            if slot.current is not None and self.name in slot.current.replaced:
                slot.current.replaced.remove(str(self.name))  # said once
                slot.changed = True
            await self._on_replaced(update, context)
            return None
        return await super().handle_update(update, application, check_result, context)


@members_only
async def _said_replaced(update: Update, context: Context, caller: Caller) -> None:
    await answer_query(update)
    await reply(update, caller.t("admin_dialogue.replaced"))


def dialogue(
    name: str,
    memory: DialogueMemory,
    *,
    entry_points: Sequence[BaseHandler[Update, Context, Any]],
    states: dict[Any, list[BaseHandler[Update, Context, Any]]],
    fallbacks: Sequence[BaseHandler[Update, Context, Any]],
    on_replaced: Callable[[Update, Context], Awaitable[object]] = _said_replaced,
) -> DialogueHandler:
    """The builder every dialogue uses: `name` is stored with the state, so it must stay stable;
    `states` is keyed by the members of the dialogue's IntEnum."""
    return DialogueHandler(
        name=name,
        memory=memory,
        on_replaced=on_replaced,
        entry_points=list(entry_points),
        states=states,
        fallbacks=list(fallbacks),
        allow_reentry=True,
    )


def button(callback: Any, pattern: str) -> CallbackQueryHandler[Context, Any]:
    """A dialogue step (or entry) taken by a button press whose data matches `pattern`."""
    return CallbackQueryHandler(callback, pattern=pattern)


def _key(context: Context) -> Key:
    # The ids python-telegram-bot took from the update for this context (its conversation key).
    chat_id, user_id = context._chat_id, context._user_id
    assert chat_id is not None and user_id is not None, "a dialogue needs a chat and a user"
    return (chat_id, user_id)


def memory_of(context: Context) -> DialogueMemory:
    return get_runtime(context).dialogues


def begin(context: Context, name: str, cls: type[D], state: int = -1) -> D:
    """Make `name` the chat's current dialogue with a fresh draft of type `cls`, at `state`
    (its first step, so that it is stored before the first question goes out)."""
    return memory_of(context).begin(_key(context), name, cls, state)


def draft(context: Context, name: str, cls: type[D]) -> D:
    """The draft of `name`, typed; changes are stored when the step is over."""
    return memory_of(context).draft(_key(context), name, cls)


def finish(context: Context, name: str) -> int:
    """End `name` (its draft is dropped); returns END for the step to return."""
    end(memory_of(context), _key(context), name)
    return END


def goto(context: Context, name: str, state: int) -> None:
    """Set the step `name` is at now, before the answer that asks for it is sent (which stores
    it, see SavingRateLimiter); the step's return value must agree."""
    memory_of(context).switch(_key(context), name).state = int(state)


def step(name: str, then: int | None = None) -> Callable[[GuardedCallback[int]], Callback[int]]:
    """`admins_only` for a step of dialogue `name` (a step runs only while `name` is current).

    `then`: the step the dialogue goes to, set before the callback runs so that it is stored
    before the answer goes out. A step that fails (an exception, or None: "ask again") is put
    back where it was, also after a `goto` inside the callback.
    """

    def decorate(callback: GuardedCallback[int]) -> Callback[int]:
        @functools.wraps(callback)
        async def guarded(update: Update, context: Context, caller: Caller) -> int:
            current = memory_of(context).slot(_key(context)).current
            before = current.state if current is not None and current.name == name else -1
            if then is not None:
                goto(context, name, then)
            try:
                result = await callback(update, context, caller)
            except BaseException:
                _put_back(context, name, before)
                raise
            if result is None:
                _put_back(context, name, before)
            return result

        return admins_only(guarded)

    return decorate


def _put_back(context: Context, name: str, state: int) -> None:
    current = memory_of(context).slot(_key(context)).current
    if current is not None and current.name == name and state >= 0:
        current.state = state


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


async def abort(update: Update, context: Context, caller: Caller, name: str) -> int:
    """/abbrechen or ✖️: end the dialogue; nothing was stored."""
    await answer_query(update)
    await reply(update, caller.t("admin_dialogue.aborted"), edit=update.callback_query is not None)
    return finish(context, name)


@admins_only
async def use_buttons(update: Update, context: Context, caller: Caller) -> None:
    """Typed text where the dialogue waits for a button: say so (the state stays)."""
    await reply(update, caller.t("admin_dialogue.use_buttons"))


async def stale_button(update: Update, context: Context, caller: Caller) -> None:
    """A dialogue's button pressed when no dialogue waits for it (old or replayed)."""
    await answer_query(update, caller.t("access.bad_button"), alert=True)
