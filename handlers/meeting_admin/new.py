"""The steps of /termin_neu (registered in handlers/meeting_admin/__init__.py)."""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import (
    ContextTypes,
)

from bot import dialogues as dialogue
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
from handlers.meeting_admin.common import NAME, Step, step
from handlers.meeting_admin.common import begin as begin_draft
from handlers.meeting_admin.common import draft as _draft
from storage.models import MeetingKind, Organization, OrganizationKind
from storage.queries.council_admin import organization_by_id
from storage.queries.organizations import of_kind

Context = ContextTypes.DEFAULT_TYPE
KIND_BUTTON = re.compile(r"madm:kind:(session|presentation|appointment)")
COMMITTEE_BUTTON = re.compile(r"madm:org:(\d{1,9})")
PUBLIC_BUTTON = re.compile(r"madm:public:(yes|no)")
RSVP_BUTTON = re.compile(r"madm:rsvp:(yes|no)")
MAX_COMMITTEE_BUTTONS = 90  # Telegram allows 100 buttons per keyboard


@admins_only
async def begin(update: Update, context: Context, caller: Caller) -> int:
    begin_draft(context, Step.KIND)
    kinds = [
        [(caller.t(f"meetings.kind.{kind.value}"), f"madm:kind:{kind.value}")]
        for kind in MeetingKind
    ]
    await reply(
        update, caller.t("meeting_admin.ask_kind"), dialogue.with_abort(caller, "madm", kinds)
    )
    return Step.KIND


@step()
async def got_kind(update: Update, context: Context, caller: Caller) -> int:
    kind = MeetingKind(parse_callback(update, KIND_BUTTON).group(1))
    _draft(context).kind = kind
    async with caller.runtime.sessions() as session:
        committees = await of_kind(session, kind=OrganizationKind.COMMITTEE)
    await answer_query(update)
    if not committees:
        await reply(update, caller.t("meeting_admin.no_committees"), edit=True)
        return dialogue.finish(context, NAME)
    rows: list[list[Button]] = [
        [(org.name, f"madm:org:{org.id}")] for org in committees[:MAX_COMMITTEE_BUTTONS]
    ]
    text = caller.t("meeting_admin.ask_committee", kind=caller.t(f"meetings.kind.{kind.value}"))
    dialogue.goto(context, NAME, Step.COMMITTEE)
    await reply(update, text, dialogue.with_abort(caller, "madm", rows), edit=True)
    return Step.COMMITTEE


async def _committee(caller: Caller, organization_id: int | None) -> Organization:
    """The draft's committee, read again (the draft keeps only its id)."""
    async with caller.runtime.sessions() as session:
        organization = (
            await organization_by_id(session, organization_id=organization_id)
            if organization_id is not None
            else None
        )
    if organization is None or organization.kind != OrganizationKind.COMMITTEE:
        raise UserError("council_admin.unknown_committee", key=str(organization_id))
    return organization


@step(Step.TITLE)
async def got_committee(update: Update, context: Context, caller: Caller) -> int:
    organization_id = int(parse_callback(update, COMMITTEE_BUTTON).group(1))
    async with caller.runtime.sessions() as session:
        organization = await organization_by_id(session, organization_id=organization_id)
    if organization is None or organization.kind != OrganizationKind.COMMITTEE:
        raise UserError("council_admin.unknown_committee", key=str(organization_id))
    _draft(context).organization_id = organization.id
    await answer_query(update)
    text = caller.t("meeting_admin.ask_title", committee=organization.name)
    await reply(update, text, dialogue.with_abort(caller, "madm"), edit=True)
    return Step.TITLE


@step(Step.START)
async def got_title(update: Update, context: Context, caller: Caller) -> int:
    _draft(context).name = clean_meeting_name(dialogue.typed(update))
    await reply(update, caller.t("meeting_admin.ask_start"), dialogue.with_abort(caller, "madm"))
    return Step.START


@step(Step.END_TIME)
async def got_start(update: Update, context: Context, caller: Caller) -> int:
    runtime = caller.runtime
    start = parse_datetime(dialogue.typed(update), runtime.tz)
    check_times(start, None, now=runtime.now())
    _draft(context).start = start
    await reply(update, caller.t("meeting_admin.ask_end"), dialogue.with_abort(caller, "madm"))
    return Step.END_TIME


@step(Step.PLACE)
async def got_end(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    text = dialogue.typed(update)
    tz = caller.runtime.tz
    assert draft.start is not None
    draft.end = None if dialogue.is_dash(text) else parse_end(text, start=draft.start, tz=tz)
    await reply(update, caller.t("meeting_admin.ask_place"), dialogue.with_abort(caller, "madm"))
    return Step.PLACE


@step(Step.PUBLIC)
async def got_place(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    text = dialogue.typed(update)
    draft.location = None if dialogue.is_dash(text) else clean_location(text)
    # Presentations of the tender are internal: they are usually not public.
    usual_public = draft.kind != MeetingKind.PRESENTATION
    rows = dialogue.yes_no_rows(
        (caller.t("meeting_admin.public_yes"), "madm:public:yes"),
        (caller.t("meeting_admin.public_no"), "madm:public:no"),
        usual_yes=usual_public,
        caller=caller,
    )
    text = caller.t("meeting_admin.ask_public")
    await reply(update, text, dialogue.with_abort(caller, "madm", rows))
    return Step.PUBLIC


@step(Step.RSVP)
async def got_public(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    draft.public = parse_callback(update, PUBLIC_BUTTON).group(1) == "yes"
    # Members confirm or decline presentations; sessions are announced without replies.
    rows = dialogue.yes_no_rows(
        (caller.t("meeting_admin.rsvp_yes"), "madm:rsvp:yes"),
        (caller.t("meeting_admin.rsvp_no"), "madm:rsvp:no"),
        usual_yes=draft.kind == MeetingKind.PRESENTATION,
        caller=caller,
    )
    await answer_query(update)
    text = caller.t("meeting_admin.ask_rsvp")
    await reply(update, text, dialogue.with_abort(caller, "madm", rows), edit=True)
    return Step.RSVP


@step(Step.CONFIRM_NEW)
async def got_rsvp(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    draft.rsvp = parse_callback(update, RSVP_BUTTON).group(1) == "yes"
    organization = await _committee(caller, draft.organization_id)
    assert draft.kind is not None and draft.start is not None
    preview = draft_meeting(
        organization=organization,
        kind=draft.kind,
        name=draft.name,
        start=draft.start,
        end=draft.end,
        location=draft.location,
        public=draft.public,
    )
    text = caller.t(
        "meeting_admin.preview_new",
        preview=Html(meeting_preview(preview, caller.language, caller.runtime.tz)),
        rsvp=caller.t("meeting_admin.rsvp_on" if draft.rsvp else "meeting_admin.rsvp_off"),
    )
    rows = [[(caller.t("meeting_admin.create_button"), "madm:ok")]]
    await answer_query(update)
    await reply(update, text, dialogue.with_abort(caller, "madm", rows), edit=True)
    return Step.CONFIRM_NEW


@step()
async def confirmed_new(update: Update, context: Context, caller: Caller) -> int:
    draft = _draft(context)
    runtime = caller.runtime
    organization = await _committee(caller, draft.organization_id)
    assert draft.kind is not None and draft.start is not None
    async with runtime.sessions.begin() as session:
        created = await create_meeting(
            session,
            actor=caller.person,
            organization_key=organization.key,
            kind=draft.kind,
            name=draft.name,
            start=draft.start,
            end=draft.end,
            location=draft.location,
            public=draft.public,
            rsvp=draft.rsvp,
            now=runtime.now(),
            tz=runtime.tz,
            notifier=runtime.change_notifier(caller.person.id),
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
    return dialogue.finish(context, NAME)


@step()
async def abort(update: Update, context: Context, caller: Caller) -> int:
    return await dialogue.abort(update, context, caller, NAME)
