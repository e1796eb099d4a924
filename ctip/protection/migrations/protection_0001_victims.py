"""protection: victims (sealed identity), case links, assignments, referrals, relief, break-glass

Revision ID: protection_0001_victims
Revises: 0001
Create Date: 2026-12-03 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "protection_0001_victims"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("0008_ledger",)

TIMESTAMP = sa.String(length=32)
DATE = sa.String(length=10)
USERNAME = sa.String(length=100)


def upgrade() -> None:
    op.create_table(
        "protection_victims",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pseudonym", sa.String(length=20), nullable=False),
        sa.Column("pseudonym_year", sa.Integer(), nullable=False),
        sa.Column("pseudonym_seq", sa.Integer(), nullable=False),
        sa.Column("identified_on", DATE, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("trafficking_status", sa.String(length=40), nullable=False),
        sa.Column("exploitation", sa.Text(), nullable=False),
        sa.Column("recruitment", sa.Text(), nullable=False),
        sa.Column("control", sa.Text(), nullable=False),
        sa.Column("relationship", sa.String(length=20), nullable=False),
        sa.Column("age_when_trafficked", sa.Integer(), nullable=True),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("assisted", sa.Boolean(), nullable=False),
        sa.Column("identity", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("created_by", USERNAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_victims")),
        sa.UniqueConstraint("pseudonym", name=op.f("uq_protection_victims_pseudonym")),
        sa.UniqueConstraint(
            "pseudonym_year", "pseudonym_seq", name=op.f("uq_protection_victims_pseudonym_year")
        ),
    )
    op.create_index("ix_protection_victims_identified_on", "protection_victims", ["identified_on"])
    op.create_index("ix_protection_victims_fiscal_year", "protection_victims", ["fiscal_year"])
    op.create_table(
        "protection_victim_cases",
        sa.Column("victim_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("victim_id", "case_id", name=op.f("pk_protection_victim_cases")),
    )
    op.create_index("ix_protection_victim_cases_case_id", "protection_victim_cases", ["case_id"])
    op.create_table(
        "protection_assignments",
        sa.Column("victim_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("username", USERNAME, nullable=False),
        sa.Column("assigned_at", TIMESTAMP, nullable=False),
        sa.Column("assigned_by", USERNAME, nullable=False),
        sa.PrimaryKeyConstraint("victim_id", "username", name=op.f("pk_protection_assignments")),
    )
    op.create_index("ix_protection_assignments_username", "protection_assignments", ["username"])
    op.create_table(
        "protection_referrals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=30), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("referred_on", DATE, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Column("updated_by", USERNAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_referrals")),
    )
    op.create_index("ix_protection_referrals_victim_id", "protection_referrals", ["victim_id"])
    op.create_table(
        "protection_relief",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("requested_on", DATE, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("created_by", USERNAME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_relief")),
    )
    op.create_index("ix_protection_relief_victim_kind", "protection_relief", ["victim_id", "kind"])
    op.create_index("ix_protection_relief_fiscal_year", "protection_relief", ["fiscal_year"])
    op.create_table(
        "protection_break_glass",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("victim_id", sa.Integer(), nullable=False),
        sa.Column("username", USERNAME, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("opened_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_break_glass")),
    )
    op.create_index("ix_protection_break_glass_victim_id", "protection_break_glass", ["victim_id"])


def downgrade() -> None:
    for table in (
        "protection_break_glass",
        "protection_relief",
        "protection_referrals",
        "protection_assignments",
        "protection_victim_cases",
        "protection_victims",
    ):
        op.drop_table(table)
