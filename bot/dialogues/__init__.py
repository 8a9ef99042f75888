"""The dialogue layer every multi-step conversation uses.

- `dialogue(name, memory, entry_points=…, states={Step.X: […]}, fallbacks=…)` builds one (a
  ConversationHandler whose state is the chat's stored dialogue; `Step` is the dialogue's
  IntEnum, stored as numbers, so steps are appended, never renumbered; `name` is stored too).
- In a step: `begin(context, name, Draft, Step.FIRST)`, `draft(context, name, Draft)` (a typed
  dataclass of plain values, bot/dialogues/drafts.py), `goto(context, name, Step.X)` before
  the answer that asks for X, `finish(context, name)` → END; `@step(name, then=Step.X)` guards
  a step (administrators) and sets X before it runs, putting it back if the step fails.
- State and draft live in the database per chat and user (memory.py, storage/queries/
  dialogues.py): loaded before each update by `ChatOrderedProcessor` (processor.py: chats in
  parallel, each chat in order, on PostgreSQL locked across instances), stored before any
  request the bot sends (`SavingRateLimiter`) and after the update.
"""

from bot.dialogues.conversation import (
    END,
    TYPED_TEXT,
    DialogueHandler,
    abort,
    abort_row,
    begin,
    button,
    dialogue,
    draft,
    finish,
    goto,
    is_dash,
    raw_text,
    stale_button,
    step,
    typed,
    use_buttons,
    with_abort,
    yes_no_rows,
)
from bot.dialogues.drafts import DraftError, decode_draft, encode_draft
from bot.dialogues.memory import DialogueMemory
from bot.dialogues.processor import ChatOrderedProcessor, SavingRateLimiter

__all__ = [
    "END",
    "TYPED_TEXT",
    "ChatOrderedProcessor",
    "DialogueHandler",
    "DialogueMemory",
    "DraftError",
    "SavingRateLimiter",
    "abort",
    "abort_row",
    "begin",
    "button",
    "decode_draft",
    "dialogue",
    "draft",
    "encode_draft",
    "finish",
    "goto",
    "is_dash",
    "raw_text",
    "stale_button",
    "step",
    "typed",
    "use_buttons",
    "with_abort",
    "yes_no_rows",
]
