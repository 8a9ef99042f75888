"""Migration 0004: old audit rows (an English sentence) become structured entries that read in
German and English; persons get a department column."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli.common import strip_html
from bot.views.audit import actor_label, entry_text
from storage.engine import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.models import AuditEntry, Person

BERLIN = ZoneInfo("Europe/Berlin")
OLD_ROWS = [
    ("Kommandozeile", "invite", "invited Clara Neu (member, faction linke)"),
    ("Martin Muster", "invite", "new invitation for Fiona Freitag"),
    ("Martin Muster", "promote", "made Anna Beispiel administrator"),
    ("Kommandozeile", "promote", "made Administrator 42 administrator (GREMIENBOT_ADMINS)"),
    ("import (CLI)", "import", "lenkungsgruppe.yaml: bodies 1 created; meetings 32 created"),
    ("Martin Muster", "broadcast", "broadcast #3 to everyone (9 chats): Die Präsentationen"),
    ("Martin Muster", "something_else", "did something nobody foresaw"),
]


async def _old_database(empty_database_url: str) -> AsyncEngine:
    engine = create_engine(empty_database_url)
    await upgrade(engine, "0002")
    async with engine.begin() as connection:
        for actor, action, detail in OLD_ROWS:
            await connection.execute(
                text(
                    "INSERT INTO audit_log (at, actor_name, action, detail) "
                    "VALUES (:at, :actor, :action, :detail)"
                ),
                {
                    "at": datetime(2026, 11, 30, 12, tzinfo=UTC),
                    "actor": actor,
                    "action": action,
                    "detail": detail,
                },
            )
    return engine


async def test_old_entries_read_in_the_readers_language(empty_database_url: str) -> None:
    engine = await _old_database(empty_database_url)
    try:
        await upgrade(engine)
        async with create_session_factory(engine)() as session:
            entries = list(
                (await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars()
            )
            assert (await session.execute(select(Person.department_id))).all() == []

        def shown(language: str) -> list[str]:
            return [
                f"{actor_label(e, language)}: {strip_html(entry_text(e, language, BERLIN))}"
                for e in entries
            ]

        assert shown("de") == [
            "Kommandozeile: hat Clara Neu eingeladen (Mitglied, linke)",
            "Martin Muster: hat einen neuen Einladungslink für Fiona Freitag erstellt",
            "Martin Muster: hat Anna Beispiel Administrationsrechte gegeben",
            "Kommandozeile: hat Administrator 42 Administrationsrechte gegeben "
            "(laut GREMIENBOT_ADMINS)",
            "Kommandozeile: hat lenkungsgruppe.yaml importiert: "
            "bodies 1 created; meetings 32 created",
            "Martin Muster: hat ein Rundschreiben an alle Mitglieder geschickt (9 Chats): "
            "„Die Präsentationen“",
            "Martin Muster: did something nobody foresaw",
        ]
        assert shown("en")[0] == "command line: invited Clara Neu (member, linke)"
        assert entries[1].action == "reinvite"
    finally:
        await engine.dispose()
