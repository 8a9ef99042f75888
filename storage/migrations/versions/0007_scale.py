"""Scale-out: feed change counters, claimed periods of periodic jobs, the shared send budget.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # One counter per feed scope ("council" for everything every feed shows, "people" for a
    # change to unknown persons, "person:<id>" for one member's answers and settings), raised
    # in the same transaction as the change: a 304 is decided by reading two or three rows.
    op.create_table(
        "feed_versions",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name=op.f("pk_feed_versions")),
    )
    op.bulk_insert(
        sa.table(
            "feed_versions", sa.column("scope", sa.String), sa.column("version", sa.BigInteger)
        ),
        [{"scope": "council", "version": 1}, {"scope": "people", "version": 1}],
    )
    # A periodic job's run for one period, claimed by inserting its row: the primary key lets
    # exactly one instance win, whatever the database.
    op.create_table(
        "job_periods",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "period", name=op.f("pk_job_periods")),
    )
    # Token buckets of the bot token's send budget, shared by every instance (PostgreSQL).
    op.create_table(
        "send_budget",
        sa.Column("bucket", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("refilled_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", name=op.f("pk_send_budget")),
    )


def downgrade() -> None:
    op.drop_table("send_budget")
    op.drop_table("job_periods")
    op.drop_table("feed_versions")
