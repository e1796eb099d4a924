"""Mark how each audit row's hash was made, so keyed hashing can begin without a rewrite.

Rows written before this revision keep their plain SHA-256 chain hash (scheme 1) and still
verify; every row written after it is chained with HMAC-SHA256 under a key the database does
not hold (scheme 2). Nothing is recomputed: rewriting the existing chain would need the very
trust the old chain cannot give.

Revision ID: 0009_audit_keyed_chain
Revises: 0008_ledger
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_audit_keyed_chain"
down_revision: str | None = "0008_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scheme", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("scheme")
