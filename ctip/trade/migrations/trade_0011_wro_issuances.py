"""trade: the record of each Withhold Release Order and Finding CBP issued

Revision ID: trade_0011_wro_issuances
Revises: 0010_trade_screening_editions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "trade_0011_wro_issuances"
down_revision: str | None = "0010_trade_screening_editions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trade_wro_issuances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("goods", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("issued_on", sa.String(length=10), nullable=False),
        sa.Column("notice", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject", "goods", "issued_on"),
    )
    op.create_index("ix_trade_wro_issuances_issued_on", "trade_wro_issuances", ["issued_on"])


def downgrade() -> None:
    op.drop_index("ix_trade_wro_issuances_issued_on", table_name="trade_wro_issuances")
    op.drop_table("trade_wro_issuances")
