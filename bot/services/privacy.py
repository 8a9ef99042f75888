"""A member's own data: what is stored about them (/meine_daten) and leaving (/austreten)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.members import end_membership
from storage.models import Person
from storage.queries import audit
from storage.queries.dialogues import forget_dialogues_of
from storage.queries.members import memberships_of
from storage.queries.personal_data import (
    attendances_of,
    count_deliveries_to,
    delete_personal_rows,
)
from storage.queries.questions import erase_questions, questions_of

ERASED_NAME = "Ehemaliges Mitglied"


async def personal_data(session: AsyncSession, *, person: Person) -> dict[str, Any]:
    """Everything stored about the person, as plain JSON-ready data."""
    memberships = await memberships_of(session, person_id=person.id)
    attendances = await attendances_of(session, person_id=person.id)
    messages = await count_deliveries_to(session, person_id=person.id)
    own_entries = await audit.entries(session, actor_id=person.id, limit=1000)
    questions = await questions_of(session, person_id=person.id)
    return {
        "person": {
            "name": person.name,
            "function": person.function,
            "faction": person.faction.name if person.faction else None,
            "department": person.department.name if person.department else None,
            "administrator": person.is_admin,
            "telegram_user_id": person.telegram_user_id,
            "telegram_username": person.telegram_username,
            "language": person.language,
            "telegram_language": person.telegram_language,
            "reachable": person.reachable,
            "calendar_feed": person.calendar_secret_hash is not None,
            "notifications": {
                "papers": person.notify_papers,
                "meetings": person.notify_meetings,
                "reminders": person.notify_reminders,
                "reminder_minutes": person.reminder_minutes,
                "quiet_hours": [
                    person.quiet_start.isoformat() if person.quiet_start else None,
                    person.quiet_end.isoformat() if person.quiet_end else None,
                ],
            },
            "created_at": person.created_at.isoformat(),
        },
        "memberships": [
            {
                "organization": membership.organization.name,
                "start": membership.start_date.isoformat(),
                "end": membership.end_date.isoformat() if membership.end_date else None,
            }
            for membership in memberships
        ],
        "attendance": [
            {
                "meeting": attendance.meeting.name,
                "start": attendance.meeting.start.isoformat(),
                "status": attendance.status.value,
                "deputy": attendance.deputy_name,
            }
            for attendance in attendances
        ],
        "questions": [
            {
                "at": question.created_at.isoformat(),
                "status": question.status,
                "text": question.text,
                "broadcast": question.announcement_id,
                "answer": question.answer,
                "answered_at": question.answered_at.isoformat() if question.answered_at else None,
                "answered_by": question.answered_by_name,
            }
            for question in questions
        ],
        "messages_sent_to_you": messages,
        "audit_log_entries_by_you": [
            {
                "at": entry.at.isoformat(),
                "action": entry.action,
                "subject": entry.subject,
                "details": entry.data,
            }
            for entry in own_entries
        ],
    }


async def leave_and_erase(
    session: AsyncSession, *, person: Person, group_key: str, now: datetime
) -> str:
    """End the membership and erase personal data; returns the former name for the admins.

    Audit entries keep the actor's name as text: the log must show who did what.
    """
    name = person.name
    await end_membership(
        session, actor=person, person_id=person.id, group_key=group_key, now=now, action="leave"
    )
    await delete_personal_rows(session, person_id=person.id)
    await erase_questions(session, person_id=person.id)
    if person.telegram_user_id is not None:  # a dialogue's draft may hold what they typed
        await forget_dialogues_of(session, telegram_id=person.telegram_user_id)
    person.name = ERASED_NAME
    person.function = None
    person.telegram_user_id = None
    person.telegram_username = None
    person.telegram_language = None
    person.language = None
    person.calendar_secret_hash = None
    person.reminder_minutes = None
    person.erased_at = now
    await session.flush()
    return name
