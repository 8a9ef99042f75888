"""The dialogue layer every multi-step conversation uses (see conversation.py for the API).

- `dialogue(name, memory, entry_points=…, states={State.X: […]}, fallbacks=…)` builds one.
- `begin(context, name, Draft)` / `draft(context, name, Draft)` / `finish(context, name)`.
- State and draft are stored per chat and user in the database (memory.py, drafts.py); the
  processor (processor.py) loads them before an update and writes them back after it.
"""

from bot.dialogues.conversation import (
    END,
    DialogueHandler,
    abort,
    abort_row,
    begin,
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
    "ChatOrderedProcessor",
    "DialogueHandler",
    "DialogueMemory",
    "DraftError",
    "SavingRateLimiter",
    "abort",
    "abort_row",
    "begin",
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
