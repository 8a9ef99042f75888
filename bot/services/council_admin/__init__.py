"""Administering council data from the chat: meetings (create, move, cancel) and papers
(publish, attach a PDF or Word document).

Every function takes the caller's session (the caller commits), checks that `actor` is an
administrator (`None` is the shell), writes an audit entry and returns an `AdminChange`: the
stored row and a change report in the importer's dataclasses (`ImportReport` with source
"chat"). Notifications are not sent here: pass `notifier` (the importer's `Notifier` type) to
have it write the outbox rows in the same transaction.
"""

from bot.services.council_admin.common import CHAT_SOURCE, AdminChange
from bot.services.council_admin.meetings import (
    UNCHANGED,
    cancel_meeting,
    changeable_meeting,
    check_times,
    clean_location,
    clean_meeting_name,
    committee,
    create_meeting,
    move_meeting,
    new_meeting_key,
    refuse_synced_meeting,
)
from bot.services.council_admin.papers import (
    DOCUMENT_KINDS,
    MAX_FILE_BYTES,
    attach_file,
    check_new_reference,
    clean_file_name,
    clean_paper_name,
    clean_proposal,
    department,
    document_kind,
    publish_paper,
)

__all__ = [
    "CHAT_SOURCE",
    "DOCUMENT_KINDS",
    "MAX_FILE_BYTES",
    "UNCHANGED",
    "AdminChange",
    "attach_file",
    "cancel_meeting",
    "changeable_meeting",
    "check_new_reference",
    "check_times",
    "clean_file_name",
    "clean_location",
    "clean_meeting_name",
    "clean_paper_name",
    "clean_proposal",
    "committee",
    "create_meeting",
    "department",
    "document_kind",
    "move_meeting",
    "new_meeting_key",
    "publish_paper",
    "refuse_synced_meeting",
]
