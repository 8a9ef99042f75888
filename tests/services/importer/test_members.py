"""The import's members section, its audit entry, the notifier hook and who may import."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import NotAllowed
from bot.services.importer import FieldChange, ImportReport
from storage.models import AuditEntry, Membership, Person
from tests.import_samples import BERLIN, NOW, run_import, sample

Sessions = async_sessionmaker[AsyncSession]


async def test_the_import_is_audited_in_the_same_transaction(sessions: Sessions) -> None:
    report = await run_import(sessions, sample(), notify=False)
    async with sessions() as session:
        [entry] = (await session.execute(select(AuditEntry))).scalars().all()
    assert (entry.actor_name, entry.action) == ("@cli", "import")
    assert entry.detail == report.one_line()
    assert "meetings 32 created" in entry.detail
    assert entry.data is not None and entry.data["counts"]["meetings"] == {"created": 32}
    assert report.notice() == "Nobody was notified (--quiet)."


async def test_a_notifier_runs_in_the_transaction_unless_quiet(sessions: Sessions) -> None:
    seen: list[ImportReport] = []

    async def notifier(session: AsyncSession, report: ImportReport) -> int:
        seen.append(report)
        return 3

    quiet = await run_import(sessions, sample(), notify=False, notifier=notifier)
    assert not seen and quiet.notified == 0
    content = sample()
    content["meetings"][0]["location"] = "Kreishaus"
    report = await run_import(sessions, content, notifier=notifier)
    assert seen == [report] and report.notified == 3


async def test_members_are_keyed_by_telegram_id_else_by_name(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    async with sessions() as session:
        admin = (
            (await session.execute(select(Person).where(Person.telegram_user_id == 9001)))
            .unique()
            .scalar_one()
        )
    members = content["members"]
    members[0] = {"name": "Dr. Martina Muster", "telegram_id": 9001}  # renamed; admin left out
    members[3]["telegram_id"] = 9004  # Fiona Freitag gets linked
    members.append({"name": "Neu Mitglied", "faction": "cdu"})

    report = await run_import(sessions, content)

    assert [c.changes for c in report.members.changed] == [
        (FieldChange("name", "Dr. Martin Muster", "Dr. Martina Muster"),),
        (FieldChange("telegram_user_id", None, 9004),),
    ]
    assert [ref.name for ref in report.members.created] == ["Neu Mitglied"]
    assert report.members.uninvited == ["Neu Mitglied"]
    async with sessions() as session:
        renamed = await session.get(Person, admin.id)
        assert renamed is not None and renamed.is_admin  # left out: kept
        count = (await session.execute(select(func.count(Person.id)))).scalar_one()
        assert count == 5


async def test_a_member_whose_membership_ended_joins_again(sessions: Sessions) -> None:
    content = sample()
    await run_import(sessions, content)
    async with sessions() as session:
        membership = (
            await session.execute(
                select(Membership).join(Person).where(Person.name == "Anna Beispiel")
            )
        ).scalar_one()
        membership.end_date = date(2025, 12, 31)
        await session.commit()

    report = await run_import(sessions, content)

    assert [ref.name for ref in report.members.admitted] == ["Anna Beispiel"]
    async with sessions() as session:
        starts = (
            await session.execute(
                select(Membership.start_date).join(Person).where(Person.name == "Anna Beispiel")
            )
        ).scalars()
        assert sorted(starts)[-1] == NOW.astimezone(BERLIN).date()


async def test_only_administrators_may_import(sessions: Sessions) -> None:
    with pytest.raises(NotAllowed):
        await run_import(sessions, sample(), actor=Person(name="Mitglied", is_admin=False))
