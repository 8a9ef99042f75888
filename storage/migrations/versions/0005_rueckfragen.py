"""Rückfragen: members' questions to the administration and the answers (issue 12).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_by_name", sa.String(length=200), nullable=True),
        sa.Column("awaiting_admin_id", sa.Integer(), nullable=True),
        sa.Column("awaiting_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_questions_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_questions_announcement_id_announcements"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["persons.id"],
            name=op.f("fk_questions_answered_by_id_persons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["awaiting_admin_id"],
            ["persons.id"],
            name=op.f("fk_questions_awaiting_admin_id_persons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    op.create_index(op.f("ix_questions_person_id"), "questions", ["person_id"])
    op.create_index(op.f("ix_questions_awaiting_admin_id"), "questions", ["awaiting_admin_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_questions_awaiting_admin_id"), table_name="questions")
    op.drop_index(op.f("ix_questions_person_id"), table_name="questions")
    op.drop_table("questions")
