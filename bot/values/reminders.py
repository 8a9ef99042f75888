"""Reminder lead times and quiet hours: their meaning, validity and the presets offered.

Lead times are minutes before the start (120 = two hours); a negative value -m means "the day
before, m minutes after midnight, local time": DAY_BEFORE_EVENING (-1080) is the day before at
18:00. A member's `reminder_minutes` of None means DEFAULT_LEADS.
"""

from __future__ import annotations

from datetime import time

from storage.models import Person

DAY_BEFORE_EVENING = -18 * 60
DEFAULT_LEADS: tuple[int, ...] = (DAY_BEFORE_EVENING, 120)
MAX_LEAD_MINUTES = 7 * 24 * 60  # the longest lead time accepted
# Lead times offered in /einstellungen (minutes before; DAY_BEFORE_EVENING = the day before
# at 18:00), in the order shown.
LEAD_PRESETS: tuple[int, ...] = (DAY_BEFORE_EVENING, 120, 60, 30)
# Quiet hours offered, by the key their button carries; None: no quiet hours.
QUIET_PRESETS: dict[str, tuple[time, time] | None] = {
    "22-7": (time(22, 0), time(7, 0)),
    "21-8": (time(21, 0), time(8, 0)),
    "23-6": (time(23, 0), time(6, 0)),
    "off": None,
}


def is_valid_lead(lead: int) -> bool:
    return 0 < lead <= MAX_LEAD_MINUTES or -24 * 60 < lead < 0


def leads_of(minutes: list[int] | None) -> tuple[int, ...]:
    """A member's lead times (None: the defaults), invalid stored values ignored."""
    if minutes is None:
        return DEFAULT_LEADS
    return tuple(
        sorted({lead for lead in minutes if isinstance(lead, int) and is_valid_lead(lead)})
    )


def quiet_preset(person: Person) -> str | None:
    """The preset matching the person's quiet hours, or None for other (imported) hours."""
    window = (person.quiet_start, person.quiet_end)
    for key, preset in QUIET_PRESETS.items():
        if (preset or (None, None)) == window:
            return key
    if person.quiet_start is None or person.quiet_end is None:
        return "off"
    return None
