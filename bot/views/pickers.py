"""Pickers and confirmations one can read on a phone.

A picker button shows the date, the time and the part of the title that tells the meetings
apart ("04.03.27, 10:00 · Sozialplanung Nord GmbH", not "… · Lenkungsgruppe Sozialstrategie:
Präsentat…" twice). A confirmation's two buttons name what they do ("✅ Ja, absagen" /
"↩️ Nein, zurück"), so they cannot be mistaken for each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from bot.i18n import format_short, t
from storage.models import Meeting

MAX_LABEL = 60  # characters on a picker button: the width of a phone's keyboard row, twice
Button = tuple[str, str]


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word where possible, with '…'."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-·&") + "…"


def _specific(title: str) -> str:
    """The distinguishing part of a title: after a generic lead such as 'Präsentation: '."""
    head, sep, tail = title.partition(": ")
    return tail.strip() if sep and tail.strip() and len(head) <= 40 else title


def _common_start(texts: Sequence[str]) -> str:
    first, last = min(texts), max(texts)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    return first[:length]


def distinguishing_titles(titles: Sequence[str]) -> list[str]:
    """Each title without what all of them share at the start ("Lenkungsgruppe
    Sozialstrategie: Präsentation: …"), so the rest tells them apart."""
    specific = [_specific(title) for title in titles]
    if len(specific) < 2:
        return specific
    common = _common_start(specific)
    # Only whole words: cut the shared prefix back to its last space or colon.
    cut = max(common.rfind(" "), common.rfind(":")) + 1 if common else 0
    if cut < 8:  # nothing worth dropping
        return specific
    return [title[cut:].strip() or title for title in specific]


def meeting_labels(
    meetings: Sequence[Meeting], language: str, tz: tzinfo, *, limit: int = MAX_LABEL
) -> list[str]:
    """Picker labels for `meetings` shown together: date, time, distinguishing title part;
    a cancelled meeting is marked."""
    titles = distinguishing_titles([meeting.name for meeting in meetings])
    labels = []
    for meeting, title in zip(meetings, titles, strict=True):
        when = format_short(meeting.start, language, tz)
        mark = t(language, "pickers.cancelled_mark") if meeting.cancelled else ""
        head = f"{mark}{when} · "
        labels.append(head + shorten(title, max(10, limit - len(head))))
    return labels


def meeting_label(meeting: Meeting, language: str, tz: tzinfo, *, limit: int = MAX_LABEL) -> str:
    """The picker label of one meeting shown alone."""
    return meeting_labels([meeting], language, tz, limit=limit)[0]


def confirm_rows(language: str, action: str, yes: str, no: str) -> list[list[Button]]:
    """Two unmistakable buttons, each on its own row: '✅ Ja, <action>' and '↩️ Nein, zurück'.
    `action` is a key under `pickers.action` (e.g. 'cancel' → 'absagen')."""
    verb = t(language, f"pickers.action.{action}")
    return [
        [(t(language, "pickers.yes", action=verb), yes)],
        [(t(language, "pickers.no"), no)],
    ]
