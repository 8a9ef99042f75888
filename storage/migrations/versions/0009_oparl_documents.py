"""OParl sync: a meeting's own documents (invitation, protocols, auxiliary files) as files of
the meeting; a file belongs to a paper or to a meeting.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 02:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.alter_column("paper_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("meeting_id", sa.Integer(), nullable=True))
        # invitation, results_protocol, verbatim_protocol, auxiliary (a meeting's documents)
        batch_op.add_column(sa.Column("role", sa.String(length=30), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_files_meeting_id_meetings"),
            "meetings",
            ["meeting_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index(op.f("ix_files_meeting_id"), ["meeting_id"])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM files WHERE paper_id IS NULL"))
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_files_meeting_id"))
        batch_op.drop_constraint(op.f("fk_files_meeting_id_meetings"), type_="foreignkey")
        batch_op.drop_column("role")
        batch_op.drop_column("meeting_id")
        batch_op.alter_column("paper_id", existing_type=sa.Integer(), nullable=False)
