"""trade: each screening records the list editions it read

A screening stored before this revision read every loaded list at its latest edition,
which was not recorded; it gets an empty list ("[]"), read as "not recorded".

Revision ID: 0010_trade_screening_editions
Revises: 0008_trade_ledger
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_trade_screening_editions"
down_revision: str | None = "0008_trade_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trade_screenings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("list_editions", sa.Text(), server_default="[]", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("trade_screenings", schema=None) as batch_op:
        batch_op.drop_column("list_editions")
