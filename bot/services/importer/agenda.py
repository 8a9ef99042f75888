"""A meeting's agenda from the import file: items matched by their number.

An item whose number stays keeps its row (and id, which buttons and links may carry); its
name, visibility, paper and place are updated in place. Items whose number disappeared are
deleted, new numbers are added. Nothing is written when the agenda is the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.services.importer.report import AgendaChange, AgendaItemInfo, AgendaRename
from bot.services.importer.schema import AgendaItemIn
from storage.models import AgendaItem, Meeting, Paper


def new_agenda_item(position: int, entry: AgendaItemIn, papers: Mapping[str, Paper]) -> AgendaItem:
    return AgendaItem(
        position=position,
        number=entry.number,
        name=entry.name,
        public=entry.public,
        paper=papers[entry.paper] if entry.paper else None,
    )


def _info(item: AgendaItem) -> AgendaItemInfo:
    reference = item.paper.reference if item.paper else None
    return AgendaItemInfo(item.number, item.name, item.public, reference)


def sync_agenda(
    meeting: Meeting, entries: list[AgendaItemIn], papers: Mapping[str, Paper]
) -> AgendaChange | None:
    """Bring the meeting's agenda (loaded) in line with `entries`; None if nothing differs."""
    existing = {item.number: item for item in meeting.agenda_items}
    before = [_info(item) for item in meeting.agenda_items]
    items: list[AgendaItem] = []
    added: list[AgendaItemInfo] = []
    renamed: list[AgendaRename] = []
    changed: list[AgendaItemInfo] = []
    reordered = False
    for position, entry in enumerate(entries):
        item = existing.pop(entry.number, None)
        if item is None:
            items.append(new_agenda_item(position, entry, papers))
            added.append(AgendaItemInfo(entry.number, entry.name, entry.public, entry.paper))
            continue
        items.append(item)
        if item.name != entry.name:
            renamed.append(AgendaRename(entry.number, item.name, entry.name))
            item.name = entry.name
        paper = papers[entry.paper] if entry.paper else None
        if (item.public, item.paper_id) != (entry.public, paper.id if paper else None):
            # The relation, not only the column, so later reads in this session agree.
            item.public, item.paper = entry.public, paper
            changed.append(AgendaItemInfo(entry.number, entry.name, entry.public, entry.paper))
        if item.position != position:
            item.position = position
            reordered = True
    removed = [info for info in before if info.number in existing]
    if not (added or removed or renamed or changed or reordered):
        return None
    meeting.agenda_items = items  # items left out are deleted (delete-orphan)
    return AgendaChange(
        meeting_id=meeting.id,
        meeting_key=meeting.key,
        meeting_name=meeting.name,
        added=tuple(added),
        removed=tuple(removed),
        renamed=tuple(renamed),
        changed=tuple(changed),
        # Positions shift whenever items come or go; only a pure reordering is news.
        reordered=reordered and not (added or removed),
    )
