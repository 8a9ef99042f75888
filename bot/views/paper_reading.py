"""The preview of a Vorlage read from a document: every field, the missing ones marked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.i18n import format_date, t

Button = tuple[str, str]
PREVIEW_SUMMARY = 600  # characters of the summary shown in the preview
# (field, short code for the correction button); the codes match the service's CORRECTABLE.
BUTTONS = [
    ("reference", "ref"),
    ("date", "date"),
    ("paper_type", "type"),
    ("originator", "orig"),
    ("title", "title"),
    ("agenda_item", "top"),
    ("proposal_points", "prop"),
    ("summary", "sum"),
    ("attachments", "att"),
    ("consultations", "cons"),
    ("history", "hist"),
]
PREFIX = "vread"


def _day(value: object, language: str) -> str | None:
    return format_date(date.fromisoformat(value), language) if isinstance(value, str) else None


def _line(field: str, value: str | None, language: str) -> str:
    """One field: its label and value, or the label marked as not found."""
    label = t(language, f"paper_reading.field.{field}")
    if not value:
        return t(language, "paper_reading.line_missing", label=label)
    return t(language, "paper_reading.line", label=label, value=value)


def _list(field: str, rows: Sequence[str], language: str) -> str:
    """A field of several rows (already rendered HTML), or the label marked as not found."""
    if not rows:
        return _line(field, None, language)
    label = t(language, f"paper_reading.field.{field}")
    return t(language, "paper_reading.list", label=label) + "\n" + "\n".join(rows)


def _visibility(public: object, language: str) -> str:
    if public is True:
        return t(language, "paper_reading.public")
    if public is False:
        return t(language, "paper_reading.non_public")
    return t(language, "paper_reading.public_unknown")


def _dicts(value: object) -> list[dict[str, object]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _meeting(found: bool | None, language: str) -> str:
    if found is None:
        return ""
    return t(language, "paper_reading.meeting_found" if found else "paper_reading.meeting_missing")


def preview_text(
    fields: dict[str, object],
    *,
    file_name: str,
    exists: bool,
    language: str,
    meetings: Sequence[bool | None] = (),
) -> str:
    blocks: list[str] = [t(language, "paper_reading.header", name=file_name)]
    for field in ("reference", "date", "paper_type", "originator", "title", "agenda_item"):
        value = fields.get(field)
        text = _day(value, language) if field == "date" else value
        blocks.append(_line(field, str(text) if text else None, language))
    steps = [
        t(
            language,
            "paper_reading.consultation",
            organization=step.get("organization") or "",
            date=_day(step.get("date"), language) or "–",
            visibility=_visibility(step.get("public"), language),
            role=f" – {step['role']}" if step.get("role") else "",
        )
        + _meeting(meetings[index] if index < len(meetings) else None, language)
        for index, step in enumerate(_dicts(fields.get("consultations")))
    ]
    blocks.append(_list("consultations", steps, language))
    points = fields.get("proposal_points")
    numbered = [
        t(language, "paper_reading.point", number=number, text=point)
        for number, point in enumerate(points if isinstance(points, list) else [], 1)
    ]
    blocks.append(_list("proposal_points", numbered, language))
    history = [
        t(
            language,
            "paper_reading.history_line",
            date=_day(entry.get("date"), language) or "–",
            organization=entry.get("organization") or "",
            reference=entry.get("reference") or "–",
        )
        for entry in _dicts(fields.get("history"))
    ]
    blocks.append(_list("history", history, language))
    summary = fields.get("summary")
    if isinstance(summary, str) and len(summary) > PREVIEW_SUMMARY:
        summary = summary[: PREVIEW_SUMMARY - 1] + "…"
    blocks.append(_line("summary", summary if isinstance(summary, str) else None, language))
    attachments = fields.get("attachments")
    if isinstance(attachments, list):
        names = "; ".join(str(name) for name in attachments)
        shown = names or t(language, "paper_reading.no_attachments")
        blocks.append(_line("attachments", shown, language))
    else:
        blocks.append(_line("attachments", None, language))
    reference = fields.get("reference")
    blocks.append(
        t(language, "paper_reading.exists", reference=reference)
        if exists
        else t(language, "paper_reading.confirm")
    )
    return "\n".join(blocks)


MAX_MEETING_BUTTONS = 4


def preview_buttons(
    exists: bool,
    language: str,
    fields: dict[str, object] | None = None,
    meetings: Sequence[bool | None] = (),
) -> list[list[Button]]:
    fixes: list[Button] = [
        (t(language, f"paper_reading.fix.{field}"), f"{PREFIX}:fix:{code}")
        for field, code in BUTTONS
    ]
    rows = [fixes[index : index + 3] for index in range(0, len(fixes), 3)]
    steps = _dicts((fields or {}).get("consultations"))
    missing = [index for index, found in enumerate(meetings) if found is False]
    for index in missing[:MAX_MEETING_BUTTONS]:
        step = steps[index] if index < len(steps) else {}
        label = t(
            language,
            "paper_reading.button_meeting",
            organization=step.get("organization") or "",
            date=_day(step.get("date"), language) or "",
        )
        rows.append([(label, f"{PREFIX}:mtg:{index}")])
    publish = "paper_reading.button_update" if exists else "paper_reading.button_publish"
    rows.append(
        [
            (t(language, publish), f"{PREFIX}:pub"),
            (t(language, "paper_reading.button_drop"), f"{PREFIX}:drop"),
        ]
    )
    return rows
