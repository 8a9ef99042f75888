"""Notices: telling members early about new proposals, dates and changes (issue 5).

    from bot.services.notices import change_notifier, notify_changes

    report = await import_yaml(..., notifier=change_notifier(settings))      # an import
    await create_meeting(..., notifier=change_notifier(settings, now=now,    # the chat
                                                       skip_person_id=admin.id))

Kinds of notice (Delivery.kind) and who gets them:

| kind | when | setting |
|---|---|---|
| paper_new | a proposal was published (buttons: it, its documents) | proposals |
| paper_changed | its title, text or Beratungsfolge changed | proposals |
| paper_file | a document was attached (buttons: it, the proposal) | proposals |
| paper_decision | a followed committee decided on it (synced agenda item result) | proposals |
| meeting_new | a meeting was created | dates and changes |
| meeting_changed | moved (old and new time/place side by side), renamed, reinstated | dates … |
| meeting_cancelled | cancelled | dates and changes |
| meeting_file | a synced meeting's new document (Nachtrag) or its protocol | dates … |
| agenda_changed | its agenda was published or changed (only what changed) | dates … |

Meeting notices have a button to the meeting (`mtg:show:<id>`), paper notices to the proposal
(`pap:id:<paper id>`) and documents (`pap:file:<id>`).

Members get them in their language; a connected group gets the public ones (public meeting,
public items only, a proposal whose whole Beratungsfolge is public) in the configured language.
Meetings that are over are not announced. Reminders are in `bot.services.reminders`.
"""

from bot.services.notices.changes import change_notifier, notify_changes
from bot.services.notices.recipients import (
    Preference,
    Reader,
    group_readers,
    member_readers,
)

__all__ = [
    "Preference",
    "Reader",
    "change_notifier",
    "group_readers",
    "member_readers",
    "notify_changes",
]
