"""Jobs: long work (imports) run off the request path, with state, progress and result.

Also joins the foundation's two 0009 branches (keyed audit chain, server-side sessions).

Revision ID: 0010_jobs
Revises: 0009_audit_keyed_chain, 0009_user_sessions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_jobs"
down_revision: str | Sequence[str] | None = ("0009_audit_keyed_chain", "0009_user_sessions")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=True),
        sa.Column("finished_at", sa.String(length=32), nullable=True),
        sa.Column("progress", sa.Integer(), server_default="0", nullable=False),
        sa.Column("result", sa.Text(), server_default="{}", nullable=False),
        sa.Column("rejects", sa.Text(), server_default="[]", nullable=False),
        sa.Column("total_rejects", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error_code", sa.String(length=50), server_default="", nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_state", ["state"], unique=False)
        batch_op.create_index("ix_jobs_actor", ["actor"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_actor")
        batch_op.drop_index("ix_jobs_state")
    op.drop_table("jobs")
