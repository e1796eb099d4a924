"""Index the audit log by resource and action (sign-in lockout, a resource's history).

Revision ID: 0006_audit_resource_index
Revises: 0001
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_audit_resource_index"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_resource_action", ["resource", "action"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_resource_action")
