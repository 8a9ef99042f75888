"""OParl sync: OParl ids and web links on the council tables, synced files by reference, the
sync cursor per source.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WITH_ID = ["organizations", "meetings", "papers", "agenda_items", "consultations", "files"]
_WITH_WEB = ["meetings", "papers"]


def upgrade() -> None:
    for table in _WITH_ID:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("oparl_id", sa.String(length=500), nullable=True))
            batch_op.create_unique_constraint(f"uq_{table}_oparl_id", ["oparl_id"])
            if table in _WITH_WEB:
                batch_op.add_column(sa.Column("web", sa.String(length=1000), nullable=True))
            if table == "files":
                batch_op.add_column(sa.Column("access_url", sa.String(length=1000), nullable=True))
                batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
    op.create_table(
        "oparl_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("body_oparl_id", sa.String(length=500), nullable=True),
        sa.Column("synced_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("followed", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oparl_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_oparl_sources_url")),
    )


def downgrade() -> None:
    op.drop_table("oparl_sources")
    for table in reversed(_WITH_ID):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table == "files":
                batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
                batch_op.drop_column("access_url")
            if table in _WITH_WEB:
                batch_op.drop_column("web")
            batch_op.drop_constraint(f"uq_{table}_oparl_id", type_="unique")
            batch_op.drop_column("oparl_id")
