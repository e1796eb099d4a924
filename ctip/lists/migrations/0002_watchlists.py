"""watchlists: list editions, their entries, goods x place rules

Revision ID: 0002_watchlists
Revises: 0001
Create Date: 2026-11-27 20:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_watchlists"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "list_editions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_name", sa.String(length=100), nullable=False),
        sa.Column("edition", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("rule_count", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.String(length=32), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_editions")),
        sa.UniqueConstraint("list_name", "content_sha256", name="uq_list_editions_content"),
        sa.UniqueConstraint("list_name", "edition", name=op.f("uq_list_editions_list_name")),
    )
    op.create_table(
        "list_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=255), nullable=False),
        sa.Column("entity_id", sa.String(length=255), nullable=False),
        sa.Column("schema", sa.String(length=50), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("countries", sa.Text(), nullable=False),
        sa.Column("birth_dates", sa.Text(), nullable=False),
        sa.Column("addresses", sa.Text(), nullable=False),
        sa.Column("identifiers", sa.Text(), nullable=False),
        sa.Column("includes_subsidiaries", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["list_editions.id"],
            name=op.f("fk_list_entries_edition_id_list_editions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_entries")),
        sa.UniqueConstraint("edition_id", "entry_id", name=op.f("uq_list_entries_edition_id")),
    )
    op.create_table(
        "list_goods_rules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=255), nullable=False),
        sa.Column("goods", sa.String(length=200), nullable=False),
        sa.Column("hts_headings", sa.Text(), nullable=False),
        sa.Column("country", sa.String(length=10), nullable=False),
        sa.Column("place", sa.String(length=500), nullable=False),
        sa.Column("labour", sa.String(length=100), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["list_editions.id"],
            name=op.f("fk_list_goods_rules_edition_id_list_editions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_goods_rules")),
        sa.UniqueConstraint("edition_id", "rule_id", name=op.f("uq_list_goods_rules_edition_id")),
    )
    with op.batch_alter_table("list_goods_rules", schema=None) as batch_op:
        batch_op.create_index("ix_list_goods_rules_country", ["country"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("list_goods_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_list_goods_rules_country")
    op.drop_table("list_goods_rules")
    op.drop_table("list_entries")
    op.drop_table("list_editions")
