"""Import of council data from a YAML file (DESIGN section 5): check whole, upsert, report.

    report = await import_yaml(sessions, text=..., source="file.yaml", tz=..., group_key=...)

`ImportInvalid.problems` lists every problem of a rejected file (place, line, reason);
`ImportReport` says what was created, changed and cancelled, for notifications.
"""

from bot.services.importer.problems import ImportInvalid, Problem
from bot.services.importer.report import (
    AgendaChange,
    AgendaItemInfo,
    AgendaRename,
    Changes,
    ConsultationInfo,
    EntityChange,
    EntityRef,
    FieldChange,
    ImportReport,
    MeetingChanges,
    MemberChanges,
)
from bot.services.importer.service import CLI_ACTOR, Notifier, import_yaml

__all__ = [
    "CLI_ACTOR",
    "AgendaChange",
    "AgendaItemInfo",
    "AgendaRename",
    "Changes",
    "ConsultationInfo",
    "EntityChange",
    "EntityRef",
    "FieldChange",
    "ImportInvalid",
    "ImportReport",
    "MeetingChanges",
    "MemberChanges",
    "Notifier",
    "Problem",
    "import_yaml",
]
