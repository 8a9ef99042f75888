"""Vorlage details (agenda item, history, Anlagen) and document drafts (a member's department
comes with 0004).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_item", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("history", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    op.create_table(
        "document_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("awaiting", sa.String(length=40), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_document_drafts_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_drafts")),
        sa.UniqueConstraint("chat_id", name=op.f("uq_document_drafts_chat_id")),
    )


def downgrade() -> None:
    op.drop_table("document_drafts")
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.drop_column("attachments")
        batch_op.drop_column("history")
        batch_op.drop_column("agenda_item")
