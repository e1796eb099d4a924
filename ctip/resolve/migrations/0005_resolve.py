"""resolve: resolved records, clusters with stable ids, replaced ids, links, judgements, runs

Revision ID: 0005_resolve
Revises: 0001
Create Date: 2026-11-27 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_resolve"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resolve_cluster_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolve_cluster_events")),
    )
    with op.batch_alter_table("resolve_cluster_events", schema=None) as batch_op:
        batch_op.create_index("ix_resolve_cluster_events_cluster_id", ["cluster_id"], unique=False)
    op.create_table(
        "resolve_clusters",
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("cluster_id", name=op.f("pk_resolve_clusters")),
        sa.UniqueConstraint("seq", name=op.f("uq_resolve_clusters_seq")),
    )
    op.create_table(
        "resolve_judgements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("left_ref", sa.String(length=255), nullable=False),
        sa.Column("right_ref", sa.String(length=255), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("judged_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolve_judgements")),
    )
    with op.batch_alter_table("resolve_judgements", schema=None) as batch_op:
        batch_op.create_index("ix_resolve_judgements_left_ref", ["left_ref"], unique=False)
        batch_op.create_index("ix_resolve_judgements_right_ref", ["right_ref"], unique=False)

    op.create_table(
        "resolve_links",
        sa.Column("left_id", sa.String(length=255), nullable=False),
        sa.Column("right_id", sa.String(length=255), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("left_id", "right_id", name=op.f("pk_resolve_links")),
    )
    with op.batch_alter_table("resolve_links", schema=None) as batch_op:
        batch_op.create_index("ix_resolve_links_right_id", ["right_id"], unique=False)

    op.create_table(
        "resolve_records",
        sa.Column("record_id", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("cluster_id", sa.String(length=40), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("added_at", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_resolve_records")),
    )
    with op.batch_alter_table("resolve_records", schema=None) as batch_op:
        batch_op.create_index("ix_resolve_records_cluster_id", ["cluster_id"], unique=False)

    op.create_table(
        "resolve_replaced",
        sa.Column("old_id", sa.String(length=40), nullable=False),
        sa.Column("new_id", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("replaced_at", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("old_id", name=op.f("pk_resolve_replaced")),
    )
    op.create_table(
        "resolve_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("engine", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("link_count", sa.Integer(), nullable=False),
        sa.Column("new_cluster_count", sa.Integer(), nullable=False),
        sa.Column("merge_count", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("model_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resolve_runs")),
    )


def downgrade() -> None:
    for index, table in (
        ("ix_resolve_cluster_events_cluster_id", "resolve_cluster_events"),
        ("ix_resolve_records_cluster_id", "resolve_records"),
        ("ix_resolve_links_right_id", "resolve_links"),
        ("ix_resolve_judgements_right_ref", "resolve_judgements"),
        ("ix_resolve_judgements_left_ref", "resolve_judgements"),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
    for table in (
        "resolve_cluster_events",
        "resolve_runs",
        "resolve_replaced",
        "resolve_records",
        "resolve_links",
        "resolve_judgements",
        "resolve_clusters",
    ):
        op.drop_table(table)
