"""The append-only ledger every area records human decisions and workflow steps in.

Revision ID: 0008_ledger
Revises: 0006_audit_resource_index
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_ledger"
down_revision: str | None = "0006_audit_resource_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ledger_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("stream_kind", sa.String(length=40), nullable=False),
        sa.Column("stream_id", sa.String(length=520), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_events")),
        sa.UniqueConstraint(
            "stream_kind", "stream_id", "seq", name=op.f("uq_ledger_events_stream_kind")
        ),
    )


def downgrade() -> None:
    op.drop_table("ledger_events")
