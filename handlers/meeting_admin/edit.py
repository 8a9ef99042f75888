"""The steps of /termin_bearbeiten (registered in __init__.py): correct a meeting's title,
place, public flag and attendance requests (rsvp).

Choose one of the upcoming meetings (the picker of change.py) → a preview as members will see
it, with a button per field (✏️ Titel, 📍 Ort, 🌐 öffentlich or not, 🙋 Zu-/Absagen; a meeting
synced from the information system offers only the last two, with a note) → a field typed or
switched → the preview again, the changed fields named; any field can be corrected again
without starting over → ✅ Speichern. bot/services/council_admin/edits.py stores it, audits it
and tells members in the one change-notice format.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import dialogues as dialogue
from bot.access import Caller
from bot.errors import UserError
from bot.i18n import Html
from bot.services.council_admin import UNCHANGED, changeable_meeting, clean_location
from bot.services.council_admin.edits import edit_meeting
from bot.services.council_admin.meetings import clean_meeting_name
from bot.ui import Button, answer_query, reply
from bot.views.council import meeting_title
from bot.views.council_admin import draft_meeting, meeting_preview
from handlers.meeting_admin.common import NAME, MeetingDraft, Step, step
from handlers.meeting_admin.common import draft as _draft
from storage.models import Meeting

Context = ContextTypes.DEFAULT_TYPE


async def _meeting(caller: Caller, meeting_id: int | None) -> Meeting:
    if meeting_id is None:
        raise UserError("access.bad_button")
    runtime = caller.runtime
    async with runtime.sessions() as session:
        return await changeable_meeting(session, meeting_id=meeting_id, now=runtime.now())


def _changed(draft: MeetingDraft, meeting: Meeting) -> list[str]:
    """The fields the draft changes (catalog keys under meeting_admin.field)."""
    fields = []
    if draft.new_name is not None and draft.new_name != meeting.name:
        fields.append("title")
    if draft.set_location and draft.location != meeting.location:
        fields.append("place")
    if draft.new_public is not None and draft.new_public != meeting.public:
        fields.append("public")
    if draft.new_rsvp is not None and draft.new_rsvp != meeting.rsvp:
        fields.append("rsvp")
    return fields


async def show_menu(update: Update, context: Context, caller: Caller, *, edit: bool) -> int:
    """The meeting as members would see it with the corrections so far, a button per field."""
    draft = _draft(context)
    meeting = await _meeting(caller, draft.meeting_id)
    after = draft_meeting(
        organization=meeting.organization,
        kind=meeting.kind,
        name=draft.new_name if draft.new_name is not None else meeting.name,
        start=meeting.start,
        end=meeting.end,
        location=draft.location if draft.set_location else meeting.location,
        public=draft.new_public if draft.new_public is not None else meeting.public,
    )
    tz = caller.runtime.tz
    changed = _changed(draft, meeting)
    public = after.public
    rsvp = draft.new_rsvp if draft.new_rsvp is not None else meeting.rsvp
    synced = meeting.oparl_id is not None  # title and place come from the RIS
    rows: list[list[Button]] = (
        []
        if synced
        else [
            [(caller.t("meeting_admin.edit_title_button"), "madm:edit:title")],
            [(caller.t("meeting_admin.edit_place_button"), "madm:edit:place")],
        ]
    )
    rows += [
        [
            (
                caller.t("meeting_admin.make_closed" if public else "meeting_admin.make_public"),
                "madm:edit:public",
            )
        ],
        [
            (
                caller.t("meeting_admin.rsvp_turn_off" if rsvp else "meeting_admin.rsvp_turn_on"),
                "madm:edit:rsvp",
            )
        ],
    ]
    if changed:
        names = ", ".join(caller.t(f"meeting_admin.field.{field}") for field in changed)
        text = caller.t(
            "meeting_admin.preview_edit",
            preview=Html(meeting_preview(after, caller.language, tz, head_only=True)),
            fields=names,
        )
        rows.append([(caller.t("meeting_admin.save_button"), "madm:ok")])
    else:
        text = caller.t(
            "meeting_admin.ask_edit_field",
            preview=Html(meeting_preview(after, caller.language, tz, head_only=True)),
        )
    if synced:
        note = "meeting_admin.synced_note_web" if meeting.web else "meeting_admin.synced_note"
        text += "\n\n" + caller.t(note, web=meeting.web or "")
    dialogue.goto(context, NAME, Step.EDIT_MENU)
    await reply(update, text, dialogue.with_abort(caller, NAME, rows), edit=edit)
    return Step.EDIT_MENU


@step()
async def got_field(update: Update, context: Context, caller: Caller) -> int:
    query = update.callback_query
    field = (query.data or "").rpartition(":")[2] if query else ""
    draft = _draft(context)
    await answer_query(update)
    if field == "public":
        meeting = await _meeting(caller, draft.meeting_id)
        current = draft.new_public if draft.new_public is not None else meeting.public
        draft.new_public = not current
        return await show_menu(update, context, caller, edit=True)
    if field == "rsvp":
        meeting = await _meeting(caller, draft.meeting_id)
        asked = draft.new_rsvp if draft.new_rsvp is not None else meeting.rsvp
        draft.new_rsvp = not asked
        return await show_menu(update, context, caller, edit=True)
    meeting = await _meeting(caller, draft.meeting_id)
    if field == "title":
        dialogue.goto(context, NAME, Step.EDIT_TITLE)
        text = caller.t("meeting_admin.ask_edit_title", title=meeting.name)
        await reply(update, text, dialogue.with_abort(caller, NAME), edit=True)
        return Step.EDIT_TITLE
    if field != "place":
        raise UserError("access.bad_button")
    dialogue.goto(context, NAME, Step.EDIT_PLACE)
    location = meeting.location or caller.t("admin_dialogue.none")
    text = caller.t("meeting_admin.ask_edit_place", location=location)
    await reply(update, text, dialogue.with_abort(caller, NAME), edit=True)
    return Step.EDIT_PLACE


@step()
async def got_title(update: Update, context: Context, caller: Caller) -> int:
    _draft(context).new_name = clean_meeting_name(dialogue.typed(update))
    return await show_menu(update, context, caller, edit=False)


@step()
async def got_place(update: Update, context: Context, caller: Caller) -> int:
    text = dialogue.typed(update)
    draft = _draft(context)
    draft.location = None if dialogue.is_dash(text) else clean_location(text)
    draft.set_location = True
    return await show_menu(update, context, caller, edit=False)


@step()
async def confirmed(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    runtime = caller.runtime
    if draft.meeting_id is None:
        raise UserError("access.bad_button")
    async with runtime.sessions.begin() as session:
        edited = await edit_meeting(
            session,
            actor=caller.person,
            meeting_id=draft.meeting_id,
            name=UNCHANGED if draft.new_name is None else draft.new_name,
            location=draft.location if draft.set_location else UNCHANGED,
            public=UNCHANGED if draft.new_public is None else draft.new_public,
            rsvp=UNCHANGED if draft.new_rsvp is None else draft.new_rsvp,
            now=runtime.now(),
            notifier=runtime.change_notifier(caller.person.id),
        )
    await answer_query(update)
    text = caller.t("meeting_admin.edited", title=meeting_title(edited.item))
    await reply(update, text, edit=True)
    return dialogue.finish(context, NAME)
