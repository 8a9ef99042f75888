"""The change report of an import: what was created, changed, cancelled, per kind of entity.

Structured, because the notification service turns it into messages to members; the
short English summary for the shell and the audit log is derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

# Kinds of entities in the report (EntityRef.kind).
BODY, ORGANIZATION, MEMBER, MEETING, PAPER = "body", "organization", "member", "meeting", "paper"


@dataclass(frozen=True)
class ConsultationInfo:
    """One step of a paper's Beratungsfolge, by keys."""

    organization: str
    date: date | None
    meeting: str | None
    public: bool
    role: str | None
    authoritative: bool


Value = str | int | bool | date | datetime | tuple[ConsultationInfo, ...] | None


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value; references are shown by key (organization, faction,
    originator), datetimes are aware UTC, `consultations` is the whole Beratungsfolge."""

    field: str
    old: Value
    new: Value


@dataclass(frozen=True)
class EntityRef:
    """A created entity. `key`: organization/meeting key, paper reference; for a member the
    Telegram id if known, else the name."""

    kind: str
    id: int
    key: str
    name: str


@dataclass(frozen=True)
class EntityChange:
    """A changed entity with every changed field."""

    kind: str
    id: int
    key: str
    name: str
    changes: tuple[FieldChange, ...]

    def change(self, field_name: str) -> FieldChange | None:
        return next((c for c in self.changes if c.field == field_name), None)

    @property
    def fields(self) -> list[str]:
        return [change.field for change in self.changes]


@dataclass
class Changes:
    created: list[EntityRef] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.created) + len(self.changed)


@dataclass
class MeetingChanges(Changes):
    # Meetings whose `cancelled` flipped to true; they are not listed in `changed` too.
    cancelled: list[EntityChange] = field(default_factory=list)

    def __len__(self) -> int:
        return super().__len__() + len(self.cancelled)


@dataclass
class MemberChanges(Changes):
    # Existing persons who got an open membership again (it had ended, or they had none).
    admitted: list[EntityRef] = field(default_factory=list)
    # Names of members in the file without a Telegram link yet: they need an invitation.
    uninvited: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return super().__len__() + len(self.admitted)


@dataclass(frozen=True)
class AgendaItemInfo:
    number: str
    name: str
    public: bool
    paper: str | None  # the paper's reference


@dataclass(frozen=True)
class AgendaRename:
    number: str
    old_name: str
    new_name: str


@dataclass(frozen=True)
class AgendaChange:
    """How the agenda of an existing meeting changed (items matched by their number)."""

    meeting_id: int
    meeting_key: str
    meeting_name: str
    added: tuple[AgendaItemInfo, ...] = ()
    removed: tuple[AgendaItemInfo, ...] = ()
    renamed: tuple[AgendaRename, ...] = ()
    # Items whose visibility or paper changed (their new state).
    changed: tuple[AgendaItemInfo, ...] = ()
    # Only the order of the items changed (nothing added or removed).
    reordered: bool = False


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    notify: bool = True  # False with --quiet
    notified: int = 0  # notifications queued (0 until a notifier is given)
    bodies: Changes = field(default_factory=Changes)
    organizations: Changes = field(default_factory=Changes)
    members: MemberChanges = field(default_factory=MemberChanges)
    meetings: MeetingChanges = field(default_factory=MeetingChanges)
    papers: Changes = field(default_factory=Changes)
    agendas: list[AgendaChange] = field(default_factory=list)

    def sections(self) -> list[tuple[str, Changes]]:
        return [
            ("bodies", self.bodies),
            ("organizations", self.organizations),
            ("members", self.members),
            ("meetings", self.meetings),
            ("papers", self.papers),
        ]

    @property
    def is_empty(self) -> bool:
        return not self.agendas and all(len(changes) == 0 for _, changes in self.sections())

    def one_line(self) -> str:
        """For the audit log: 'lenkungsgruppe.yaml: meetings 2 created, 1 changed; ...'."""
        parts = [
            f"{name} {counts}" for name, changes in self.sections() if (counts := _counts(changes))
        ]
        if self.agendas:
            parts.append(f"agendas {len(self.agendas)} changed")
        return f"{self.source}: " + ("; ".join(parts) if parts else "no changes")

    def counts(self) -> dict[str, dict[str, int]]:
        """For the audit entry's details: {'meetings': {'created': 2, 'changed': 1}, …}."""
        counts: dict[str, dict[str, int]] = {}
        for name, changes in self.sections():
            numbers = {"created": len(changes.created), "changed": len(changes.changed)}
            if isinstance(changes, MeetingChanges):
                numbers["cancelled"] = len(changes.cancelled)
            if isinstance(changes, MemberChanges):
                numbers["admitted"] = len(changes.admitted)
            if any(numbers.values()):
                counts[name] = {key: value for key, value in numbers.items() if value}
        if self.agendas:
            counts["agendas"] = {"changed": len(self.agendas)}
        return counts

    def summary(self, tz: tzinfo) -> list[str]:
        """A few readable lines for the shell (English), with the details of each change."""
        lines = [("Dry run, nothing was written. " if self.dry_run else "") + self.one_line()]
        for name, changes in self.sections():
            if changes.created:
                lines.append(f"  + {name}: {_keys(changes.created)}")
            for change in changes.changed:
                lines.append(f"  ~ {change.kind} {change.key}: {_fields(change, tz)}")
            if isinstance(changes, MeetingChanges):
                for change in changes.cancelled:
                    lines.append(f"  x meeting {change.key} cancelled: {change.name}")
            if isinstance(changes, MemberChanges):
                for ref in changes.admitted:
                    lines.append(f"  + member {ref.key} joined {name} again: {ref.name}")
        for agenda in self.agendas:
            lines.append(f"  ~ agenda of {agenda.meeting_key}: {_agenda(agenda)}")
        if self.members.uninvited:
            names = ", ".join(self.members.uninvited)
            lines.append(f"Without Telegram link (invite with `gremienbot invite`): {names}")
        lines.append(self.notice())
        return lines

    def notice(self) -> str:
        if self.dry_run:
            return "Nobody was notified (dry run)."
        if not self.notify:
            return "Nobody was notified (--quiet)."
        if self.is_empty:
            return "Nobody was notified (nothing changed)."
        if self.notified:
            return f"{self.notified} notifications queued."
        return "Nobody was notified (the changes concern no member who wants such notices)."


def _keys(refs: list[EntityRef], shown: int = 6) -> str:
    keys = ", ".join(ref.name if ref.kind == MEMBER else ref.key for ref in refs[:shown])
    return keys + (f" and {len(refs) - shown} more" if len(refs) > shown else "")


def _counts(changes: Changes) -> str:
    counts = [(len(changes.created), "created"), (len(changes.changed), "changed")]
    if isinstance(changes, MeetingChanges):
        counts.append((len(changes.cancelled), "cancelled"))
    if isinstance(changes, MemberChanges):
        counts.append((len(changes.admitted), "joined again"))
    return ", ".join(f"{count} {what}" for count, what in counts if count)


def show_value(value: Value, tz: tzinfo) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "[" + ", ".join(f"{c.organization} {c.date or ''}".strip() for c in value) + "]"
    text = str(value).replace("\n", " ")
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _fields(change: EntityChange, tz: tzinfo) -> str:
    return "; ".join(
        f"{c.field} {show_value(c.old, tz)} → {show_value(c.new, tz)}" for c in change.changes
    )


def _agenda(change: AgendaChange) -> str:
    parts = [f"+TOP {item.number}" for item in change.added]
    parts += [f"-TOP {item.number}" for item in change.removed]
    parts += [f"TOP {item.number} renamed" for item in change.renamed]
    parts += [f"TOP {item.number} changed" for item in change.changed]
    if change.reordered:
        parts.append("new order")
    return ", ".join(parts)
