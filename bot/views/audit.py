"""The Änderungsverlauf (audit log) in the reader's language: one line per entry from its
action, subject and details, with one set of labels for actors that are not persons."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from bot.i18n import Html, catalog, escape, format_short, t
from bot.values.audit import AuditHistory
from storage.models import AuditEntry

# Sections of an import's counts, in the order they are shown.
IMPORT_SECTIONS = ("bodies", "organizations", "members", "meetings", "papers", "agendas")
IMPORT_COUNTS = ("created", "changed", "cancelled", "admitted")


def _has(language: str, key: str) -> bool:
    return key in catalog(language) or key in catalog("de")


def actor_label(entry: AuditEntry, language: str) -> str:
    """A person's name, or the label of a marker such as the shell ('@cli')."""
    name = entry.actor_name
    if name.startswith("@"):
        key = f"audit.actor.{name[1:]}"
        return str(t(language, key)) if _has(language, key) else name[1:]
    # Entries of the import before the markers (written as 'import (CLI)').
    if entry.actor_id is None and name in ("import (CLI)", "Kommandozeile"):
        return str(t(language, "audit.actor.cli"))
    return name


def _value(value: Any, language: str, tz: tzinfo) -> str:
    """A stored detail value as the reader reads it: times local and short, nothing as '–'."""
    if value is None or value == "":
        return str(t(language, "audit.none"))
    if isinstance(value, bool):
        return str(t(language, "audit.yes" if value else "audit.no"))
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            return format_short(moment, language, tz)
    return str(value)


def _field(name: str, language: str) -> str:
    key = f"audit.field.{name}"
    return str(t(language, key)) if _has(language, key) else name


def _changes(data: Mapping[str, Any], language: str, tz: tzinfo) -> Html:
    """'Beginn 05.07.21, 14:00 → 06.07.21, 14:00; Ort …' from data['changes']."""
    parts = []
    for change in data.get("changes") or []:
        if not isinstance(change, Mapping):
            continue
        parts.append(
            t(
                language,
                "audit.change",
                field=_field(str(change.get("field", "")), language),
                old=_value(change.get("old"), language, tz),
                new=_value(change.get("new"), language, tz),
            )
        )
    return Html("; ".join(parts))


def _import_counts(data: Mapping[str, Any], language: str) -> str:
    counts = data.get("counts")
    if not isinstance(counts, Mapping):
        # Entries written before the counts were structured keep their English summary.
        return str(data.get("summary") or t(language, "audit.import_nothing"))
    parts = []
    for section in IMPORT_SECTIONS:
        numbers = counts.get(section)
        if not isinstance(numbers, Mapping):
            continue
        shown = [
            t(language, f"audit.count.{what}", count=int(numbers[what]))
            for what in IMPORT_COUNTS
            if numbers.get(what)
        ]
        if shown:
            parts.append(
                t(
                    language,
                    "audit.section",
                    section=t(language, f"audit.sections.{section}"),
                    counts=Html(", ".join(escape(part) for part in shown)),
                )
            )
    return Html("; ".join(parts)) if parts else t(language, "audit.import_nothing")


def _role(data: Mapping[str, Any], language: str) -> Html:
    role = t(language, "audit.role_admin" if data.get("admin") else "audit.role_member")
    home = data.get("department") or data.get("faction")
    return Html(f"{role}, {escape(home)}") if home else role


def _audience(stored: object, language: str, names: Mapping[str, str]) -> str:
    """A broadcast's stored audience ('everyone', 'faction:spd') as words: 'alle Mitglieder',
    'die Fraktion „SPD-Fraktion“' (the faction's key when its name is not known)."""
    code = str(stored or "")
    kind, _, key = code.partition(":")
    if kind == "faction" and key:
        return str(t(language, "audit.audience.faction", name=names.get(key, key)))
    label = f"audit.audience.{kind}"
    if not key and kind != "faction" and _has(language, label):
        return str(t(language, label))
    return code or str(t(language, "audit.none"))  # an audience this version does not know


# Extra values an action's template uses, computed from the entry's details and the names of
# the organizations they refer to by key.
Extras = Callable[[Mapping[str, Any], str, tzinfo, Mapping[str, str]], dict[str, object]]
EXTRAS: dict[str, Extras] = {
    "invite": lambda data, language, tz, names: {"role": _role(data, language)},
    "promote": lambda data, language, tz, names: {
        "why": t(language, "audit.configured") if data.get("configured") else ""
    },
    "broadcast": lambda data, language, tz, names: {
        "audience": _audience(data.get("audience"), language, names),
        "chats": data.get("chats", 0),
    },
    "create_meeting": lambda data, language, tz, names: {
        "when": _value(data.get("start") or data.get("when"), language, tz)
    },
    "cancel_meeting": lambda data, language, tz, names: {
        "when": _value(data.get("start") or data.get("when"), language, tz),
        "reason": t(language, "audit.reason", reason=data["reason"]) if data.get("reason") else "",
    },
    "move_meeting": lambda data, language, tz, names: {
        "changes": _changes(data, language, tz) or data.get("change", ""),
        "reason": t(language, "audit.reason", reason=data["reason"]) if data.get("reason") else "",
    },
    "edit_meeting": lambda data, language, tz, names: {"changes": _changes(data, language, tz)},
    "edit_paper": lambda data, language, tz, names: {"changes": _changes(data, language, tz)},
    "edit_agenda": lambda data, language, tz, names: {"number": data.get("number", "")},
    "publish_paper": lambda data, language, tz, names: {"name": data.get("name", "")},
    "attach_file": lambda data, language, tz, names: {"file": data.get("file", "")},
    "import": lambda data, language, tz, names: {"counts": _import_counts(data, language)},
    "set_department": lambda data, language, tz, names: {"department": data.get("department")},
}


def _template(action: str, data: Mapping[str, Any]) -> str:
    """The catalog key of an entry's sentence. A set_department without a department took the
    member out of the administration: it reads as a removal, not as an assignment to '–'."""
    if action == "set_department" and not data.get("department"):
        return "audit.action.clear_department"
    return f"audit.action.{action}"


def entry_text(
    entry: AuditEntry, language: str, tz: tzinfo, names: Mapping[str, str] | None = None
) -> Html:
    """What happened, without who and when: 'hat Clara Neu eingeladen (Mitglied, Linke)'.

    `names`: organization names by key (AuditHistory.organization_names)."""
    data: Mapping[str, Any] = entry.data or {}
    key = _template(entry.action, data)
    if not _has(language, key) or (not entry.subject and entry.detail and entry.action != "import"):
        # An action without a template, or an old sentence that could not be read back.
        return Html(escape(entry.detail or entry.action))
    extras = EXTRAS.get(entry.action)
    values = extras(data, language, tz, names or {}) if extras else {}
    return t(language, key, subject=entry.subject, **values)


def entry_line(
    entry: AuditEntry, language: str, tz: tzinfo, names: Mapping[str, str] | None = None
) -> str:
    return str(
        t(
            language,
            "audit.line",
            when=format_short(entry.at, language, tz),
            actor=actor_label(entry, language),
            what=entry_text(entry, language, tz, names),
        )
    )


def history_text(history: AuditHistory, language: str, tz: tzinfo) -> list[str]:
    """The header and one line per entry, newest first."""
    entries, names = history.entries, history.organization_names
    if not entries:
        return [str(t(language, "audit.empty"))]
    return [
        str(t(language, "audit.header", count=len(entries))),
        *(entry_line(entry, language, tz, names) for entry in entries),
    ]
