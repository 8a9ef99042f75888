"""What the steps of the paper dialogue share: its name, its states and its typed draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from telegram.ext import ContextTypes

from bot import dialogues
from bot.access import Callback, GuardedCallback

Context = ContextTypes.DEFAULT_TYPE
NAME = "padm"  # the dialogue's stored name and its callback-data prefix: keep it stable


class Step(IntEnum):
    """Stored as numbers: append new steps, never renumber."""

    REFERENCE = 0
    TITLE = 1
    TYPE = 2
    DATE = 3
    ORIGINATOR = 4
    PROPOSAL = 5
    CONFIRM = 6
    DOCUMENT = 7  # takes documents for a published paper (documents.py)


@dataclass
class PaperDraft:
    reference: str = ""
    name: str = ""
    paper_type: str = ""
    day: date | None = None
    originator_id: int | None = None  # the department, by id
    proposal: str | None = None
    paper_id: int | None = None  # set once published (or for /vorlage_anlage)
    attached: int = 0


def draft(context: Context) -> PaperDraft:
    return dialogues.draft(context, NAME, PaperDraft)


def begin(context: Context, state: Step) -> PaperDraft:
    """A fresh draft, the dialogue at `state` (stored before the first question goes out)."""
    return dialogues.begin(context, NAME, PaperDraft, state)


def step(then: Step | None = None) -> Callable[[GuardedCallback[int]], Callback[int]]:
    """`dialogues.step` of this dialogue; `then`: the step it goes to (stored before the answer)."""
    return dialogues.step(NAME, then)
