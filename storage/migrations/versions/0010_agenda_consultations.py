"""OParl sync: an agenda item keeps the OParl id of the consultation it deals with, so a Vorlage
and the agenda that names it link up whichever of them is read first.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consultation_oparl_id", sa.String(length=500)))
        batch_op.create_index(
            op.f("ix_agenda_items_consultation_oparl_id"), ["consultation_oparl_id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_agenda_items_consultation_oparl_id"))
        batch_op.drop_column("consultation_oparl_id")
