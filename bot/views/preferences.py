"""The /einstellungen screens: what a member is told about, reminder lead times, quiet hours."""

from __future__ import annotations

from datetime import time

from babel.dates import format_time
from babel.units import format_unit

from bot.i18n import Html, babel_locale, t
from bot.values.reminders import LEAD_PRESETS, QUIET_PRESETS, leads_of, quiet_preset
from storage.models import Person

Button = tuple[str, str]
Screen = tuple[str, list[list[Button]]]
# Kinds of notice as their buttons name them: set:<code>:<1 on|0 off>.
KIND_CODES = {"papers": "pap", "meetings": "mtg", "reminders": "rem"}


def clock(value: time, language: str) -> str:
    return str(format_time(value, "short", locale=babel_locale(language)))


def lead_label(lead: int, language: str) -> str:
    """'am Vortag um 18:00' / '2 Stunden vorher'."""
    if lead < 0:
        minutes = -lead
        return t(
            language,
            "preferences.lead_evening",
            time=clock(time(minutes // 60, minutes % 60), language),
        )
    if lead % 60 == 0:
        duration = format_unit(lead // 60, "duration-hour", locale=babel_locale(language))
    else:
        duration = format_unit(lead, "duration-minute", locale=babel_locale(language))
    return t(language, "preferences.lead_before", duration=duration)


def quiet_label(start: time | None, end: time | None, language: str) -> str:
    if start is None or end is None or start == end:
        return t(language, "preferences.quiet_none")
    return t(
        language, "preferences.quiet_range", start=clock(start, language), end=clock(end, language)
    )


def _state(on: bool, language: str) -> str:
    return t(language, "preferences.on" if on else "preferences.off")


def main_screen(person: Person, language: str) -> Screen:
    leads = leads_of(person.reminder_minutes)
    # Reminders are on only with at least one lead time: never "on / no times chosen".
    reminding = person.notify_reminders and bool(leads)
    lead_text = ""
    if reminding:
        lead_text = "\n    " + ", ".join(lead_label(lead, language) for lead in leads)
    text = t(
        language,
        "preferences.main",
        papers=_state(person.notify_papers, language),
        meetings=_state(person.notify_meetings, language),
        reminders=_state(reminding, language),
        leads=Html(lead_text),
        quiet=quiet_label(person.quiet_start, person.quiet_end, language),
    )
    rows: list[list[Button]] = []
    for kind, on in (
        ("papers", person.notify_papers),
        ("meetings", person.notify_meetings),
        ("reminders", person.notify_reminders),
    ):
        action = "switch_off" if on else "switch_on"
        label = t(language, f"preferences.{action}", what=t(language, f"preferences.kind.{kind}"))
        rows.append([(label, f"set:{KIND_CODES[kind]}:{0 if on else 1}")])
    rows.append([(t(language, "preferences.leads_button"), "set:leads")])
    rows.append([(t(language, "preferences.quiet_button"), "set:quiet")])
    return text, rows


def leads_screen(person: Person, language: str) -> Screen:
    chosen = set(leads_of(person.reminder_minutes))
    rows: list[list[Button]] = []
    for lead in LEAD_PRESETS:
        on = lead in chosen
        mark = "✅" if on else "▫️"
        rows.append([(f"{mark} {lead_label(lead, language)}", f"set:lead:{lead}:{0 if on else 1}")])
    rows.append([(t(language, "preferences.back"), "set:main")])
    key = "preferences.leads" if person.notify_reminders else "preferences.leads_while_off"
    return t(language, key), rows


def quiet_screen(person: Person, language: str) -> Screen:
    current = quiet_preset(person)
    rows: list[list[Button]] = []
    for key, window in QUIET_PRESETS.items():
        mark = "✅ " if key == current else ""
        start, end = window or (None, None)
        label = quiet_label(start, end, language)
        rows.append([(f"{mark}{label}", f"set:quiet:{key}")])
    rows.append([(t(language, "preferences.back"), "set:main")])
    text = t(
        language,
        "preferences.quiet",
        current=quiet_label(person.quiet_start, person.quiet_end, language),
    )
    return text, rows
