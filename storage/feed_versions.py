"""Feed change counters, raised in the same transaction as every change a feed could show.

A calendar client revalidates every hour; deciding "304 Not Modified" must not read the
whole feed. Every write through a session is watched here (SQLAlchemy session events), so no
writer can forget it — the YAML import, the chat administration, attendance answers,
membership and secret changes, and any later data source such as the OParl sync:

* an ORM flush of a council row (meeting, agenda item, organization, paper, ...) raises
  "council"; of a person's row, membership or attendance raises "person:<id>";
* a bulk ORM statement (`session.execute(insert/update/delete(Model))`) raises "council"
  for council tables and "people" for person tables (it does not say which persons).

Each scope is raised at most once per transaction. A personal feed's version is the triple
(council, people, person:<id>); a public feed's is (council,). Reading the version before the
rows makes a cached rendering at worst older than its version, never newer (no wrong 304).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import event, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from storage.models import (
    AgendaItem,
    Attendance,
    Body,
    Consultation,
    FeedVersion,
    File,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
)

COUNCIL = "council"
PEOPLE = "people"
_COUNCIL_TABLES = {
    model.__table__.name  # type: ignore[attr-defined]
    for model in (AgendaItem, Body, Consultation, File, Meeting, Organization, Paper)
}
_PEOPLE_TABLES = {model.__table__.name for model in (Attendance, Membership, Person)}  # type: ignore[attr-defined]
_RAISED = "feed_scopes_raised"
MAX_PERSON_SCOPES = 50


def person_scope(person_id: int) -> str:
    return f"person:{person_id}"


def _scopes_of(objects: Iterable[object], new: Collection[object] = ()) -> set[str]:
    scopes: set[str] = set()
    for obj in objects:
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in _COUNCIL_TABLES:
            scopes.add(COUNCIL)
        elif isinstance(obj, Person):
            scopes.add(PEOPLE if obj in new else person_scope(obj.id))
        elif isinstance(obj, Attendance | Membership):
            person_id = obj.person_id
            scopes.add(person_scope(person_id) if person_id is not None else PEOPLE)
    return scopes


def raise_versions(session: Session, scopes: Iterable[str]) -> None:
    """Raise the counters of `scopes` in the session's transaction (once per transaction)."""
    raised: set[str] = session.info.setdefault(_RAISED, set())
    wanted = set(scopes)
    personal = {scope for scope in wanted if scope not in (COUNCIL, PEOPLE)}
    if len(personal) > MAX_PERSON_SCOPES:  # a bulk change: one write instead of thousands
        wanted = (wanted - personal) | {PEOPLE}
    todo = sorted(wanted - raised)  # sorted: concurrent writers lock rows in one order
    if not todo:
        return
    raised.update(todo)
    connection = session.connection()
    dialect = connection.dialect.name
    for scope in todo:
        if scope in (COUNCIL, PEOPLE):
            connection.execute(
                update(FeedVersion)
                .where(FeedVersion.scope == scope)
                .values(version=FeedVersion.version + 1)
            )
            continue
        build = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = build(FeedVersion).values(scope=scope, version=1)
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[FeedVersion.scope],
                set_={"version": FeedVersion.version + 1},
            )
        )


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    changed = list(session.new) + list(session.deleted)
    changed += [obj for obj in session.dirty if session.is_modified(obj)]
    scopes = _scopes_of(changed, session.new)
    if scopes:
        raise_versions(session, scopes)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name in _COUNCIL_TABLES:
        raise_versions(state.session, [COUNCIL])
    elif name in _PEOPLE_TABLES:
        raise_versions(state.session, [PEOPLE])


@event.listens_for(Session, "after_transaction_end")
def _transaction_end(session: Session, transaction: Any) -> None:
    # The outermost transaction, and also a savepoint (one rolled back may have taken a
    # raise with it; raising twice costs only a re-render); not a flush's inner scope.
    if transaction.parent is None or transaction.nested:
        session.info.pop(_RAISED, None)
