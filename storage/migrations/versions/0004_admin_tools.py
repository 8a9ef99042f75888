"""The administration's tools: a member's department, and structured audit entries.

`persons.department_id` names the Verwaltungsbereich (organization of kind department) a member
of the administration belongs to; a member has a faction, a department or neither.

`meetings.change_reason` keeps why a meeting was last moved or cancelled (optional).

`audit_log.subject` holds what an entry is about (a person's name, a meeting's title, a
Vorlage's reference), `data` its details; the entry is rendered in the reader's language from
`action`, `subject` and `data`. Old rows held an English sentence in `detail`: the known
sentences are read back into subject and details here, the rest keep their sentence, which is
shown as it is. The command line, once stored by its German label, gets its neutral marker.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 01:15:00
"""

import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLI_MARKER = "@cli"
OLD_CLI_LABEL = "Kommandozeile"

Reader = Callable[[re.Match[str]], tuple[str, str, dict[str, Any]]]

# (action, the old sentence, what it means: new action, subject, details)
OLD_SENTENCES: list[tuple[str, re.Pattern[str], Reader]] = [
    (
        "invite",
        re.compile(r"invited (.+) \((admin|member), faction (.+)\)"),
        lambda m: (
            "invite",
            m[1],
            {"admin": m[2] == "admin"} | ({"faction": m[3]} if m[3] != "-" else {}),
        ),
    ),
    ("invite", re.compile(r"new invitation for (.+)"), lambda m: ("reinvite", m[1], {})),
    ("join", re.compile(r"(.+) joined by invitation"), lambda m: ("join", m[1], {})),
    (
        "revoke_invite",
        re.compile(r"revoked the invitation of (.+)"),
        lambda m: ("revoke_invite", m[1], {}),
    ),
    (
        "promote",
        re.compile(r"made (.+) administrator \(GREMIENBOT_ADMINS\)"),
        lambda m: ("promote", m[1], {"configured": True}),
    ),
    ("promote", re.compile(r"made (.+) administrator"), lambda m: ("promote", m[1], {})),
    (
        "demote",
        re.compile(r"took administrator rights from (.+)"),
        lambda m: ("demote", m[1], {}),
    ),
    ("remove", re.compile(r"ended the membership of (.+)"), lambda m: ("remove", m[1], {})),
    ("leave", re.compile(r"ended the membership of (.+)"), lambda m: ("leave", m[1], {})),
    ("connect_group", re.compile(r"connected group (.+)"), lambda m: ("connect_group", m[1], {})),
    (
        "broadcast",
        re.compile(r"broadcast #(\d+) to (\S+) \((\d+) chats\): (.*)", re.DOTALL),
        lambda m: ("broadcast", m[4], {"audience": m[2], "chats": int(m[3])}),
    ),
    (
        "create_meeting",
        re.compile(r"created meeting (\S+) \((.+?): (.+), ([^,]+)\)"),
        lambda m: ("create_meeting", m[3], {"key": m[1], "organization": m[2], "when": m[4]}),
    ),
    (
        "move_meeting",
        re.compile(r"moved meeting (\S+) \((.+)\): (.*)"),
        lambda m: ("move_meeting", m[2], {"key": m[1], "change": m[3]}),
    ),
    (
        "cancel_meeting",
        re.compile(r"cancelled meeting (\S+) \((.+), ([^,]+)\)"),
        lambda m: ("cancel_meeting", m[2], {"key": m[1], "when": m[3]}),
    ),
    (
        "publish_paper",
        re.compile(r"published paper (\S+) \((.+?): (.+)\)"),
        lambda m: ("publish_paper", m[1], {"paper_type": m[2], "name": m[3]}),
    ),
    (
        "attach_file",
        re.compile(r"attached (.+) \((\d+) bytes\) to paper (\S+)"),
        lambda m: ("attach_file", m[3], {"file": m[1], "size": int(m[2])}),
    ),
    (
        "import",
        re.compile(r"([^:\n]+): (.*)", re.DOTALL),
        lambda m: ("import", m[1], {"summary": m[2]}),
    ),
]


def _read_old(action: str, detail: str) -> tuple[str, str, dict[str, Any]] | None:
    for old_action, pattern, reader in OLD_SENTENCES:
        if old_action != action:
            continue
        match = pattern.fullmatch(detail.strip())
        if match is not None:
            return reader(match)
    return None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("department_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_persons_department_id_organizations"),
            "organizations",
            ["department_id"],
            ["id"],
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject", sa.String(length=255), nullable=False, server_default="")
        )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_reason", sa.Text(), nullable=True))

    audit = sa.table(
        "audit_log",
        sa.column("id", sa.Integer()),
        sa.column("actor_name", sa.String()),
        sa.column("actor_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("detail", sa.Text()),
        sa.column("subject", sa.String()),
        sa.column("data", sa.JSON()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(audit.c.id, audit.c.action, audit.c.detail, audit.c.data)
    ).all()
    for row in rows:
        read = _read_old(row.action, row.detail or "")
        if read is None:
            continue
        action, subject, details = read
        data = dict(row.data or {}) | details
        connection.execute(
            audit.update()
            .where(audit.c.id == row.id)
            .values(action=action, subject=subject[:255], data=data)
        )
    connection.execute(
        audit.update()
        .where(audit.c.actor_id.is_(None), audit.c.actor_name == OLD_CLI_LABEL)
        .values(actor_name=CLI_MARKER)
    )


def downgrade() -> None:
    audit = sa.table(
        "audit_log",
        sa.column("actor_name", sa.String()),
        sa.column("action", sa.String()),
    )
    op.get_bind().execute(
        audit.update().where(audit.c.actor_name == CLI_MARKER).values(actor_name=OLD_CLI_LABEL)
    )
    op.get_bind().execute(
        audit.update().where(audit.c.action == "reinvite").values(action="invite")
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("change_reason")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("subject")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_persons_department_id_organizations"), type_="foreignkey"
        )
        batch_op.drop_column("department_id")
