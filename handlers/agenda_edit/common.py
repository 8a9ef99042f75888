"""What the steps of the typed agenda dialogue share: its name, its states and its draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from telegram.ext import ContextTypes

from bot import dialogues
from bot.access import Callback, GuardedCallback

Context = ContextTypes.DEFAULT_TYPE
NAME = "agde"  # the dialogue's stored name and its callback-data prefix: keep it stable
ADD, EDIT = "add", "edit"


class Step(IntEnum):
    """Stored as numbers: append new steps, never renumber."""

    NUMBER = 0
    TITLE = 1
    PUBLIC = 2
    PAPER = 3
    MENU = 4  # the preview with a button per field and ✅


@dataclass
class ItemDraft:
    """A new agenda item (ADD) or the corrected fields of one (EDIT)."""

    mode: str = ADD
    meeting_id: int | None = None
    item_id: int | None = None  # EDIT: the item corrected
    old_number: str = ""
    old_name: str = ""
    old_public: bool = True
    old_paper: str | None = None
    number: str = ""
    name: str = ""
    public: bool = True
    paper: str | None = None  # a Vorlage's reference; None: no Vorlage
    in_menu: bool = False  # a field asked from the preview returns to the preview


def draft(context: Context) -> ItemDraft:
    return dialogues.draft(context, NAME, ItemDraft)


def begin(context: Context, state: Step) -> ItemDraft:
    """A fresh draft, the dialogue at `state` (stored before the first question goes out)."""
    return dialogues.begin(context, NAME, ItemDraft, state)


def step(then: Step | None = None) -> Callable[[GuardedCallback[int]], Callback[int]]:
    """`dialogues.step` of this dialogue; `then`: the step it goes to (stored before the answer)."""
    return dialogues.step(NAME, then)
