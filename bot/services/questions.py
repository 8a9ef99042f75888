"""Rückfragen: a member's question to the administration, and the administration's answer.

Nothing a member types is dropped. A reply (Telegram's reply gesture) to a broadcast is a
Rückfrage about it at once. Any other text typed outside a dialogue is kept as a *draft*
(`Question.status == "draft"`, in the database, not in memory) and the member is offered, with
one tap, to send it — with the latest broadcast they received as its context, when there is one.

A sent Rückfrage reaches the administrators through the outbox (event key `question:<id>`)
with an "Antworten" button; the broadcast's sender gets it, or every current administrator
when the sender is no longer one or there is no broadcast. The administrator answers by a reply
gesture on it, or presses "Antworten" and types the answer: that pending state is a column of
the Rückfrage (`awaiting_admin_id` until `awaiting_until`). The answer reaches the member through
the outbox as a reply to their own message, marked as the administration's answer, and is
recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.errors import NotAllowed, UserError
from bot.i18n import Html, format_short, person_language, t
from bot.services.broadcast import MAX_BODY, excerpt
from bot.services.delivery.text import visible_length
from bot.services.outbox import Notice, enqueue_many
from storage.models import Announcement, Person, Question
from storage.queries import audit
from storage.queries.broadcasts import announcement_of_message
from storage.queries.members import current_admins
from storage.queries.questions import (
    QUESTION_KEY_PREFIX,
    awaited_by,
    latest_broadcast_to,
    question_by_id,
    question_of_forward,
    stop_awaiting,
)

DRAFT, SENT, ANSWERED = "draft", "sent", "answered"
CONTEXT_DAYS = 14  # a broadcast older than this is no longer the context of a typed text
ANSWER_WINDOW = timedelta(minutes=30)  # how long "Antworten" waits for the typed answer
ANSWER_BUTTON = "rfq:ans:{question_id}"
SEND_BUTTON = "rfq:send:{question_id}"
DROP_BUTTON = "rfq:drop:{question_id}"


@dataclass(frozen=True)
class Sent:
    question: Question
    to: list[str]  # names of the administrators it went to


def _check_text(text: str) -> str:
    body = text.strip()
    if not body:
        raise UserError("broadcast.reply_not_text")
    if visible_length(body) > MAX_BODY:
        raise UserError("broadcast.too_long", length=visible_length(body), limit=MAX_BODY)
    return body


async def draft(
    session: AsyncSession,
    *,
    member: Person,
    chat_id: int,
    message_id: int,
    text: str,
    now: datetime,
) -> tuple[Question, Announcement | None]:
    """Keep a typed text as a draft Rückfrage, with the latest broadcast as its context."""
    body = _check_text(text)
    announcement = await latest_broadcast_to(
        session, chat_id=chat_id, since=now - timedelta(days=CONTEXT_DAYS)
    )
    question = Question(
        person_id=member.id,
        announcement_id=announcement.id if announcement else None,
        status=DRAFT,
        text=body,
        chat_id=chat_id,
        message_id=message_id,
        created_at=now,
    )
    session.add(question)
    await session.flush()
    return question, announcement


async def _own_draft(session: AsyncSession, *, member: Person, question_id: int) -> Question:
    question = await question_by_id(session, question_id=question_id)
    if question is None or question.person_id != member.id:
        raise UserError("questions.gone")
    if question.status != DRAFT:
        raise UserError("questions.already_sent")
    return question


async def send_draft(
    session: AsyncSession, *, member: Person, question_id: int, now: datetime, settings: Settings
) -> Sent:
    """The member's one tap: the draft goes to the administration."""
    question = await _own_draft(session, member=member, question_id=question_id)
    return await _forward(session, member=member, question=question, now=now, settings=settings)


async def drop_draft(session: AsyncSession, *, member: Person, question_id: int) -> None:
    question = await _own_draft(session, member=member, question_id=question_id)
    await session.delete(question)
    await session.flush()


async def ask_about_message(
    session: AsyncSession,
    *,
    member: Person,
    chat_id: int,
    message_id: int,
    replied_to: int,
    text: str,
    now: datetime,
    settings: Settings,
) -> Sent | None:
    """A reply gesture on bot message `replied_to`: a Rückfrage about that broadcast, sent at
    once. None when `replied_to` is not a broadcast."""
    announcement = await announcement_of_message(session, chat_id=chat_id, message_id=replied_to)
    if announcement is None:
        return None
    question = Question(
        person_id=member.id,
        announcement_id=announcement.id,
        status=DRAFT,
        text=_check_text(text),
        chat_id=chat_id,
        message_id=message_id,
        created_at=now,
    )
    session.add(question)
    await session.flush()
    return await _forward(session, member=member, question=question, now=now, settings=settings)


async def _forward(
    session: AsyncSession, *, member: Person, question: Question, now: datetime, settings: Settings
) -> Sent:
    announcement = None
    if question.announcement_id is not None:
        announcement = await session.get(Announcement, question.announcement_id)
    admins = await current_admins(
        session, group_key=settings.group_key, today=now.astimezone(settings.tz).date()
    )
    admins = [admin for admin in admins if admin.id != member.id]
    sender = [a for a in admins if announcement is not None and a.id == announcement.author_id]
    targets = sender or admins
    if not targets:
        raise UserError("broadcast.reply_nobody")
    notices = []
    for admin in targets:
        assert admin.telegram_user_id is not None  # current_admins: linked ones only
        language = person_language(admin, settings.language)
        faction = member.faction.name if member.faction else t(language, "broadcast.no_faction")
        if announcement is not None:
            text = t(
                language,
                "broadcast.reply_forward",
                name=member.name,
                faction=faction,
                sent=format_short(announcement.created_at, language, settings.tz),
                excerpt=excerpt(announcement.text),
                text=Html(question.text),
            )
        else:
            text = t(
                language,
                "questions.forward",
                name=member.name,
                faction=faction,
                text=Html(question.text),
            )
        notices.append(
            Notice(
                event_key=f"{QUESTION_KEY_PREFIX}{question.id}",
                chat_id=int(admin.telegram_user_id),
                kind="question",
                text=text,
                buttons=[
                    [
                        (
                            t(language, "questions.answer_button"),
                            ANSWER_BUTTON.format(question_id=question.id),
                        )
                    ]
                ],
                person_id=admin.id,
                combinable=False,
            )
        )
    await enqueue_many(session, notices)
    question.status = SENT
    question.sent_at = now
    await session.flush()
    return Sent(question, [admin.name for admin in targets])


def _require_admin(admin: Person) -> None:
    if not admin.is_admin:
        raise NotAllowed()


async def start_answer(
    session: AsyncSession, *, admin: Person, question_id: int, now: datetime
) -> tuple[Question, Person]:
    """ "Antworten": the administrator's next typed text answers this Rückfrage."""
    _require_admin(admin)
    question = await question_by_id(session, question_id=question_id)
    if question is None or question.status == DRAFT:
        raise UserError("questions.gone")
    member = await session.get(Person, question.person_id)
    if member is None or member.erased_at is not None:
        raise UserError("questions.gone")
    await stop_awaiting(session, admin_id=admin.id)
    question.awaiting_admin_id = admin.id
    question.awaiting_until = now + ANSWER_WINDOW
    await session.flush()
    return question, member


async def awaited_question(
    session: AsyncSession, *, admin: Person, now: datetime
) -> Question | None:
    """The Rückfrage waiting for this administrator's typed answer, if any."""
    if not admin.is_admin:
        return None
    return await awaited_by(session, admin_id=admin.id, now=now)


async def forwarded_question(
    session: AsyncSession, *, admin: Person, chat_id: int, message_id: int
) -> Question | None:
    """The Rückfrage behind a forwarded message the administrator replied to, if any."""
    if not admin.is_admin:
        return None
    return await question_of_forward(session, chat_id=chat_id, message_id=message_id)


async def answer(
    session: AsyncSession,
    *,
    admin: Person,
    question: Question,
    text: str,
    now: datetime,
    settings: Settings,
) -> Person:
    """Send the administration's answer to the member, as a reply to their question."""
    _require_admin(admin)
    body = _check_text(text)
    member = await session.get(Person, question.person_id)
    if member is None or member.telegram_user_id is None or member.erased_at is not None:
        raise UserError("questions.gone")
    language = person_language(member, settings.language)
    answered = question.answered_at is not None
    question.status = ANSWERED
    question.answer = body
    question.answered_at = now
    question.answered_by_id = admin.id
    question.answered_by_name = admin.name
    question.awaiting_admin_id = None
    question.awaiting_until = None
    stamp = int(now.timestamp() * 1000)
    await enqueue_many(
        session,
        [
            Notice(
                event_key=f"answer:{question.id}:{stamp if answered else 0}",
                chat_id=member.telegram_user_id,
                kind="question_answer",
                text=t(language, "questions.answer", name=admin.name, text=Html(body)),
                person_id=member.id,
                combinable=False,
                reply_to=question.message_id,
            )
        ],
    )
    await audit.record(
        session,
        actor=admin,
        action="question_answered",
        detail=f"answered question #{question.id} of {member.name}: " + excerpt(body, 80),
        data={"question": question.id, "person": member.id},
        at=now,
    )
    return member


async def cancel_answer(session: AsyncSession, *, admin: Person) -> None:
    await stop_awaiting(session, admin_id=admin.id)
