"""What the steps of the Vorlage correction dialogue share: its name, states and draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from telegram.ext import ContextTypes

from bot import dialogues
from bot.access import Callback, GuardedCallback

Context = ContextTypes.DEFAULT_TYPE
NAME = "pedt"  # the dialogue's stored name and its callback-data prefix: keep it stable
FIELDS = ("name", "paper_type", "date", "originator", "proposal", "summary")
LOCAL_FIELDS = ("proposal", "summary")  # what stays editable of a synced Vorlage


class Step(IntEnum):
    """Stored as numbers: append new steps, never renumber."""

    MENU = 0  # the preview with a button per field and ✅
    VALUE = 1  # a field typed (the draft's `field`)
    ORIGINATOR = 2  # the lead department, by button


@dataclass
class PaperEditDraft:
    """The published Vorlage's values (old_*) and the corrected ones."""

    paper_id: int | None = None
    # Synced from the information system: its RIS fields are changed there (web: its page).
    synced: bool = False
    web: str | None = None
    reference: str = ""
    field: str = ""  # the field asked for in VALUE
    old_name: str = ""
    old_paper_type: str = ""
    old_day: date | None = None
    old_originator_id: int | None = None
    old_proposal: str | None = None
    old_summary: str | None = None
    name: str = ""
    paper_type: str = ""
    day: date | None = None
    originator_id: int | None = None
    proposal: str | None = None
    summary: str | None = None


def draft(context: Context) -> PaperEditDraft:
    return dialogues.draft(context, NAME, PaperEditDraft)


def begin(context: Context, state: Step) -> PaperEditDraft:
    """A fresh draft, the dialogue at `state` (stored before the first question goes out)."""
    return dialogues.begin(context, NAME, PaperEditDraft, state)


def step(then: Step | None = None) -> Callable[[GuardedCallback[int]], Callback[int]]:
    """`dialogues.step` of this dialogue; `then`: the step it goes to (stored before the answer)."""
    return dialogues.step(NAME, then)
