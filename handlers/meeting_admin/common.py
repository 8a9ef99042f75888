"""What the steps of the meeting dialogue share: its name, its states and its typed draft."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from telegram.ext import ContextTypes

from bot import dialogues
from bot.access import Callback, GuardedCallback
from storage.models import MeetingKind

Context = ContextTypes.DEFAULT_TYPE
NAME = "madm"  # the dialogue's stored name and its callback-data prefix: keep it stable
MOVE, CANCEL, EDIT = "move", "cancel", "edit"


class Step(IntEnum):
    """Stored as numbers: append new steps, never renumber."""

    KIND = 0
    COMMITTEE = 1
    TITLE = 2
    START = 3
    END_TIME = 4
    PLACE = 5
    PUBLIC = 6
    RSVP = 7
    CONFIRM_NEW = 8
    PICK = 9
    NEW_START = 10
    NEW_END = 11
    NEW_PLACE = 12
    CONFIRM_MOVE = 13
    CONFIRM_CANCEL = 14
    REASON = 15  # the optional reason of a move or a cancellation
    EDIT_MENU = 16  # /termin_bearbeiten: the preview with a button per field (edit.py)
    EDIT_TITLE = 17
    EDIT_PLACE = 18


@dataclass
class MeetingDraft:
    """A new meeting (/termin_neu) or a change of one (/termin_verschieben, /termin_absagen)."""

    mode: str | None = None  # MOVE, CANCEL or EDIT for a change
    kind: MeetingKind | None = None
    organization_id: int | None = None
    name: str = ""
    start: datetime | None = None
    end: datetime | None = None
    location: str | None = None
    keep_location: bool = False
    public: bool = True
    rsvp: bool = False
    meeting_id: int | None = None  # the meeting changed
    old_start: datetime | None = None
    old_end: datetime | None = None
    reason: str | None = None  # of a move or a cancellation; None: none given
    # /termin_bearbeiten: the corrected values; None (or set_location False): unchanged
    new_name: str | None = None
    set_location: bool = False
    new_public: bool | None = None
    new_rsvp: bool | None = None


def draft(context: Context) -> MeetingDraft:
    return dialogues.draft(context, NAME, MeetingDraft)


def begin(context: Context, state: Step) -> MeetingDraft:
    """A fresh draft, the dialogue at `state` (stored before the first question goes out)."""
    return dialogues.begin(context, NAME, MeetingDraft, state)


def step(then: Step | None = None) -> Callable[[GuardedCallback[int]], Callback[int]]:
    """`dialogues.step` of this dialogue; `then`: the step it goes to (stored before the answer)."""
    return dialogues.step(NAME, then)
