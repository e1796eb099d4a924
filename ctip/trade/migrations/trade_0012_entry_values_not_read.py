"""trade: an entry line keeps the values that could not be read, as written

A line stored before this revision kept no such text; it gets "{}" (nothing kept), so it
reads as before. Its content hash is unchanged either way.

Revision ID: trade_0012_entry_values_not_read
Revises: trade_0011_wro_issuances
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "trade_0012_entry_values_not_read"
down_revision: str | None = "trade_0011_wro_issuances"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trade_entry_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_read", sa.Text(), server_default="{}", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("trade_entry_lines", schema=None) as batch_op:
        batch_op.drop_column("not_read")
