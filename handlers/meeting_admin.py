"""/termin_neu, /termin_verschieben, /termin_absagen: administrators set meetings in the chat.

New: kind (buttons) → committee (buttons) → title → start → end or "-" → place or "-" →
public? → replies asked? → preview as members will see it → ✅ Anlegen / ✖️ Abbrechen.
Move and cancel: choose among the upcoming meetings (buttons, paged) → new start, end and
place (move) → preview → confirm (handlers/meeting_change.py). /abbrechen or ✖️ ends the
dialogue at any step; nothing is stored before the confirmation.

Callback data (`madm:…`, parsed strictly; rights are checked again in the service):
madm:kind:<session|presentation|appointment>, madm:org:<organization id>,
madm:public:<yes|no>, madm:rsvp:<yes|no>, madm:page:<offset>, madm:pick:<meeting id>,
madm:end:keep, madm:place:keep, madm:ok, madm:abort.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.access import Caller, admins_only
from bot.errors import UserError
from bot.i18n import Html, format_when
from bot.parsing import parse_datetime, parse_end
from bot.services.council_admin import (
    check_times,
    clean_location,
    clean_meeting_name,
    create_meeting,
)
from bot.ui import Button, answer_query, parse_callback, reply
from bot.views.council import meeting_title
from bot.views.council_admin import draft_meeting, meeting_preview
from handlers import admin_dialogue as dialogue
from handlers import meeting_change as change
from handlers.meeting_change import (
    CONFIRM_CANCEL,
    CONFIRM_MOVE,
    NAME,
    NEW_END,
    NEW_PLACE,
    NEW_START,
    PICK,
)
from storage.models import MeetingKind, OrganizationKind
from storage.queries.council_admin import organization_by_id
from storage.queries.organizations import of_kind

Context = ContextTypes.DEFAULT_TYPE
KIND, COMMITTEE, TITLE, START, END_TIME, PLACE, PUBLIC, RSVP, CONFIRM_NEW = range(9)
KIND_BUTTON = re.compile(r"madm:kind:(session|presentation|appointment)")
COMMITTEE_BUTTON = re.compile(r"madm:org:(\d{1,9})")
PUBLIC_BUTTON = re.compile(r"madm:public:(yes|no)")
RSVP_BUTTON = re.compile(r"madm:rsvp:(yes|no)")
MAX_COMMITTEE_BUTTONS = 90  # Telegram allows 100 buttons per keyboard
step = dialogue.step(NAME)


@admins_only
async def begin(update: Update, context: Context, caller: Caller) -> int:
    dialogue.begin_dialogue(context, NAME)
    kinds = [
        [(caller.t(f"meetings.kind.{kind.value}"), f"madm:kind:{kind.value}")]
        for kind in MeetingKind
    ]
    await reply(
        update, caller.t("meeting_admin.ask_kind"), dialogue.with_abort(caller, "madm", kinds)
    )
    return KIND


@step
async def got_kind(update: Update, context: Context, caller: Caller) -> int:
    kind = MeetingKind(parse_callback(update, KIND_BUTTON).group(1))
    dialogue.draft(context, NAME)["kind"] = kind
    async with caller.runtime.sessions() as session:
        committees = await of_kind(session, kind=OrganizationKind.COMMITTEE)
    await answer_query(update)
    if not committees:
        await reply(update, caller.t("meeting_admin.no_committees"), edit=True)
        return dialogue.end_dialogue(context, NAME)
    rows: list[list[Button]] = [
        [(org.name, f"madm:org:{org.id}")] for org in committees[:MAX_COMMITTEE_BUTTONS]
    ]
    text = caller.t("meeting_admin.ask_committee", kind=caller.t(f"meetings.kind.{kind.value}"))
    await reply(update, text, dialogue.with_abort(caller, "madm", rows), edit=True)
    return COMMITTEE


@step
async def got_committee(update: Update, context: Context, caller: Caller) -> int:
    organization_id = int(parse_callback(update, COMMITTEE_BUTTON).group(1))
    async with caller.runtime.sessions() as session:
        organization = await organization_by_id(session, organization_id=organization_id)
    if organization is None or organization.kind != OrganizationKind.COMMITTEE:
        raise UserError("council_admin.unknown_committee", key=str(organization_id))
    dialogue.draft(context, NAME)["organization"] = organization
    await answer_query(update)
    text = caller.t("meeting_admin.ask_title", committee=organization.name)
    await reply(update, text, dialogue.with_abort(caller, "madm"), edit=True)
    return TITLE


@step
async def got_title(update: Update, context: Context, caller: Caller) -> int:
    dialogue.draft(context, NAME)["name"] = clean_meeting_name(dialogue.typed(update))
    await reply(update, caller.t("meeting_admin.ask_start"), dialogue.with_abort(caller, "madm"))
    return START


@step
async def got_start(update: Update, context: Context, caller: Caller) -> int:
    runtime = caller.runtime
    start = parse_datetime(dialogue.typed(update), runtime.tz)
    check_times(start, None, now=runtime.now())
    dialogue.draft(context, NAME)["start"] = start
    await reply(update, caller.t("meeting_admin.ask_end"), dialogue.with_abort(caller, "madm"))
    return END_TIME


@step
async def got_end(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    text = dialogue.typed(update)
    tz = caller.runtime.tz
    draft["end"] = None if dialogue.is_dash(text) else parse_end(text, start=draft["start"], tz=tz)
    await reply(update, caller.t("meeting_admin.ask_place"), dialogue.with_abort(caller, "madm"))
    return PLACE


@step
async def got_place(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    text = dialogue.typed(update)
    draft["location"] = None if dialogue.is_dash(text) else clean_location(text)
    # Presentations of the tender are internal: they are usually not public.
    usual_public = draft["kind"] != MeetingKind.PRESENTATION
    rows = dialogue.yes_no_rows(
        (caller.t("meeting_admin.public_yes"), "madm:public:yes"),
        (caller.t("meeting_admin.public_no"), "madm:public:no"),
        usual_yes=usual_public,
        caller=caller,
    )
    text = caller.t("meeting_admin.ask_public")
    await reply(update, text, dialogue.with_abort(caller, "madm", rows))
    return PUBLIC


@step
async def got_public(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    draft["public"] = parse_callback(update, PUBLIC_BUTTON).group(1) == "yes"
    # Members confirm or decline presentations; sessions are announced without replies.
    rows = dialogue.yes_no_rows(
        (caller.t("meeting_admin.rsvp_yes"), "madm:rsvp:yes"),
        (caller.t("meeting_admin.rsvp_no"), "madm:rsvp:no"),
        usual_yes=draft["kind"] == MeetingKind.PRESENTATION,
        caller=caller,
    )
    await answer_query(update)
    text = caller.t("meeting_admin.ask_rsvp")
    await reply(update, text, dialogue.with_abort(caller, "madm", rows), edit=True)
    return RSVP


@step
async def got_rsvp(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    draft["rsvp"] = parse_callback(update, RSVP_BUTTON).group(1) == "yes"
    preview = draft_meeting(
        organization=draft["organization"],
        kind=draft["kind"],
        name=draft["name"],
        start=draft["start"],
        end=draft["end"],
        location=draft["location"],
        public=draft["public"],
    )
    text = caller.t(
        "meeting_admin.preview_new",
        preview=Html(meeting_preview(preview, caller.language, caller.runtime.tz)),
        rsvp=caller.t("meeting_admin.rsvp_on" if draft["rsvp"] else "meeting_admin.rsvp_off"),
    )
    rows = [[(caller.t("meeting_admin.create_button"), "madm:ok")]]
    await answer_query(update)
    await reply(update, text, dialogue.with_abort(caller, "madm", rows), edit=True)
    return CONFIRM_NEW


@step
async def confirmed_new(update: Update, context: Context, caller: Caller) -> int:
    draft = dialogue.draft(context, NAME)
    runtime = caller.runtime
    async with runtime.sessions.begin() as session:
        created = await create_meeting(
            session,
            actor=caller.person,
            organization_key=draft["organization"].key,
            kind=draft["kind"],
            name=draft["name"],
            start=draft["start"],
            end=draft["end"],
            location=draft["location"],
            public=draft["public"],
            rsvp=draft["rsvp"],
            now=runtime.now(),
            tz=runtime.tz,
            notifier=dialogue.change_notifier(context, caller),
        )
    meeting = created.item
    await answer_query(update)
    text = caller.t(
        "meeting_admin.created",
        title=meeting_title(meeting),
        when=format_when(meeting.start, caller.language, runtime.tz),
        key=meeting.key,
    )
    await reply(update, text, edit=True)
    return dialogue.end_dialogue(context, NAME)


@step
async def abort(update: Update, context: Context, caller: Caller) -> int:
    return await dialogue.abort(update, context, caller, NAME)


def _button(callback: Any, pattern: str) -> CallbackQueryHandler[Context, Any]:
    return CallbackQueryHandler(callback, pattern=pattern)


def handlers(registry: dialogue.Registry) -> list[BaseHandler[Update, Context, Any]]:
    """The dialogue, built per application: its state lives in the handler objects."""
    private = filters.ChatType.PRIVATE
    current = dialogue.active(NAME, registry)  # typed input goes to the dialogue begun last
    text_input = filters.TEXT & ~filters.COMMAND & private & current
    buttons_only: MessageHandler[Context, Any] = MessageHandler(
        text_input, dialogue.use_buttons
    )  # text where a button is due

    conversation = dialogue.conversation(
        entry_points=[
            CommandHandler("termin_neu", begin, filters=private),
            CommandHandler("termin_verschieben", change.begin_move, filters=private),
            CommandHandler("termin_absagen", change.begin_cancel, filters=private),
        ],
        states={
            KIND: [_button(got_kind, r"^madm:kind:"), buttons_only],
            COMMITTEE: [_button(got_committee, r"^madm:org:"), buttons_only],
            TITLE: [MessageHandler(text_input, got_title)],
            START: [MessageHandler(text_input, got_start)],
            END_TIME: [MessageHandler(text_input, got_end)],
            PLACE: [MessageHandler(text_input, got_place)],
            PUBLIC: [_button(got_public, r"^madm:public:"), buttons_only],
            RSVP: [_button(got_rsvp, r"^madm:rsvp:"), buttons_only],
            CONFIRM_NEW: [_button(confirmed_new, r"^madm:ok$"), buttons_only],
            PICK: [
                _button(change.got_pick, r"^madm:pick:"),
                _button(change.got_page, r"^madm:page:"),
                buttons_only,
            ],
            NEW_START: [MessageHandler(text_input, change.got_new_start)],
            NEW_END: [
                MessageHandler(text_input, change.got_new_end),
                _button(change.keep_duration, r"^madm:end:keep$"),
            ],
            NEW_PLACE: [
                MessageHandler(text_input, change.got_new_place),
                _button(change.keep_place, r"^madm:place:keep$"),
            ],
            CONFIRM_MOVE: [_button(change.confirmed_move, r"^madm:ok$"), buttons_only],
            CONFIRM_CANCEL: [_button(change.confirmed_cancel, r"^madm:ok$"), buttons_only],
        },
        fallbacks=[
            CommandHandler("abbrechen", abort, filters=current),
            _button(abort, r"^madm:abort$"),
        ],
        allow_reentry=True,
    )

    return [
        conversation,
        # A madm: button no open dialogue waits for: old, or replayed by someone else.
        CallbackQueryHandler(admins_only(dialogue.stale_button), pattern=r"^madm:"),
    ]
