"""The shell's side of the administration's tools: `gremienbot audit` in the configured
language, `gremienbot members` by faction, Verwaltung and Weitere, `invite` with a department,
and invitations that refuse a faction and a department together."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.errors import UserError
from bot.services.invites import check_new_name, clean_name, create_invite
from storage.models import Organization, OrganizationKind, Person
from tests.attendance_samples import make_group

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime.now(UTC)


async def _cli(database_url: str, *args: str, language: str = "de") -> Result:
    env = {
        "GREMIENBOT_DATABASE_URL": database_url,
        "GREMIENBOT_TIMEZONE": "Europe/Berlin",
        "GREMIENBOT_LANGUAGE": language,
    }
    return await asyncio.to_thread(CliRunner().invoke, main, list(args), env=env)


async def _department(sessions: Sessions) -> int:
    async with sessions.begin() as session:
        department = Organization(
            key="dezernat-soziales",
            name="Dezernat für Soziales und Gesundheit",
            kind=OrganizationKind.DEPARTMENT,
        )
        session.add(department)
        await session.flush()
        return department.id


async def test_invitations_with_a_department_and_checked_names(sessions: Sessions) -> None:
    group = await make_group(sessions)
    await _department(sessions)

    async def invite(name: str, **extra: object) -> Person:
        async with sessions.begin() as session:
            created = await create_invite(
                session,
                actor=None,
                name=name,
                group_key="lenkungsgruppe",
                now=NOW,
                ttl=timedelta(days=14),
                **extra,  # type: ignore[arg-type]
            )
            return created.person

    karl = await invite("Karl Kasse", department_key="dezernat-soziales")
    assert karl.department_id is not None and karl.faction_id is None
    for name, extra, message in [
        ("Xaver", {"faction_key": "spd", "department_key": "dezernat-soziales"}, "nicht zu beidem"),
        (
            "Xaver",
            {"faction_key": "dezernat-soziales"},
            "ist ein Verwaltungsbereich, keine Fraktion",
        ),
        ("Xaver", {"department_key": "spd"}, "Den Verwaltungsbereich „spd“ gibt es nicht."),
        ("-", {}, "Das sieht nicht nach einem Namen aus"),
        ("Anna\u0007 B", {}, "Steuerzeichen"),
        ("A" * 101, {}, "zu lang"),
    ]:
        with pytest.raises(UserError) as error:
            await invite(name, **extra)
        assert message in error.value.render("de"), name
    assert clean_name("  Dr.  Anna-Lena   Müller ") == "Dr. Anna-Lena Müller"
    async with sessions() as session:
        check = await check_new_name(
            session, name="ANNA beispiel", group_key="lenkungsgruppe", today=NOW.date()
        )
    assert [(person.name, home) for person, home in check.same] == [
        ("Anna Beispiel", "SPD-Fraktion")
    ]
    assert group.person(2003) == check.same[0][0].id


async def test_members_and_audit_on_the_shell(database_url: str, sessions: Sessions) -> None:
    group = await make_group(sessions)
    department = await _department(sessions)
    async with sessions.begin() as session:
        await session.execute(
            update(Person).where(Person.id == group.person(2001)).values(department_id=department)
        )
    async with sessions.begin() as session:
        await create_invite(
            session,
            actor=None,
            name="Clara Neu",
            group_key="lenkungsgruppe",
            now=NOW,
            ttl=timedelta(days=14),
            faction_key="spd",
        )
    members = await _cli(database_url, "members")
    assert members.exit_code == 0, members.output
    lines = members.output.splitlines()
    assert lines.index("Verwaltung") < lines.index("Weitere")
    assert (
        "  Dr. Martin Muster, Dezernat für Soziales und Gesundheit, Verwaltung (admin; linked)"
        in lines
    )
    assert "Never linked (1): Clara Neu" in lines
    audit = await _cli(database_url, "audit")
    assert audit.exit_code == 0, audit.output
    assert "Kommandozeile: hat Clara Neu eingeladen (Mitglied, SPD-Fraktion)" in audit.output
    assert audit.output.startswith("Änderungsverlauf (die letzten 1 Einträge)")
    english = await _cli(database_url, "audit", language="en")
    assert "command line: invited Clara Neu (member, SPD-Fraktion)" in english.output
    both = await _cli(database_url, "invite", "Xaver Test", "--faction", "spd", "--department", "x")
    assert both.exit_code == 2 and "either --faction or --department" in both.output
