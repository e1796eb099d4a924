"""cases: cases, team, subjects, deconfliction keys, evidence links, arrests, charges, outcomes

A case's history lives in the shared ledger (`ledger_events`, stream kind `case`).

Revision ID: cases_0001_cases
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0001_cases"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("0008_ledger",)

DATE = sa.String(length=10)
STAMP = sa.String(length=32)
USER = sa.String(length=100)


def upgrade() -> None:
    op.create_table(
        "cases_cases",
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("case_type", sa.String(length=30), nullable=False),
        sa.Column("office", sa.String(length=100), nullable=False),
        sa.Column("opened_on", DATE, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("lead", USER, nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("created_by", USER, nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_cases_cases")),
    )
    op.create_index("ix_cases_cases_fiscal_year", "cases_cases", ["fiscal_year"])
    op.create_index("ix_cases_cases_lead", "cases_cases", ["lead"])
    op.create_table(
        "cases_members",
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("username", USER, nullable=False),
        sa.Column("added_at", STAMP, nullable=False),
        sa.Column("added_by", USER, nullable=False),
        sa.PrimaryKeyConstraint("case_number", "username", name=op.f("pk_cases_members")),
    )
    op.create_index("ix_cases_members_username", "cases_members", ["username"])
    op.create_table(
        "cases_subjects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=100), nullable=False),
        sa.Column("added_at", STAMP, nullable=False),
        sa.Column("added_by", USER, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases_subjects")),
        sa.UniqueConstraint(
            "case_number", "kind", "key", name=op.f("uq_cases_subjects_case_number")
        ),
    )
    op.create_index("ix_cases_subjects_case", "cases_subjects", ["case_number"])
    op.create_table(
        "cases_keys",
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_number", "kind", "key", name=op.f("pk_cases_keys")),
    )
    op.create_index("ix_cases_keys_key", "cases_keys", ["kind", "key"])
    op.create_table(
        "cases_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.String(length=255), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("added_at", STAMP, nullable=False),
        sa.Column("added_by", USER, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases_evidence")),
        sa.UniqueConstraint(
            "case_number", "kind", "record_id", name=op.f("uq_cases_evidence_case_number")
        ),
    )
    op.create_index("ix_cases_evidence_case", "cases_evidence", ["case_number"])
    op.create_table(
        "cases_arrests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("person", sa.String(length=255), nullable=False),
        sa.Column("arrested_on", DATE, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False),
        sa.Column("recorded_by", USER, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases_arrests")),
    )
    op.create_index("ix_cases_arrests_case", "cases_arrests", ["case_number"])
    op.create_index("ix_cases_arrests_fiscal_year", "cases_arrests", ["fiscal_year"])
    op.create_table(
        "cases_charges",
        sa.Column("id", sa.String(length=48), nullable=False),
        sa.Column("arrest_id", sa.String(length=40), nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("statute", sa.String(length=200), nullable=False),
        sa.Column("federal", sa.Integer(), nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False),
        sa.Column("recorded_by", USER, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases_charges")),
    )
    op.create_index("ix_cases_charges_arrest", "cases_charges", ["arrest_id"])
    op.create_table(
        "cases_charge_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("charge_id", sa.String(length=48), nullable=False),
        sa.Column("case_number", sa.String(length=24), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("outcome_on", DATE, nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("recorded_at", STAMP, nullable=False),
        sa.Column("recorded_by", USER, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases_charge_outcomes")),
    )
    op.create_index("ix_cases_charge_outcomes_charge", "cases_charge_outcomes", ["charge_id"])
    op.create_index(
        "ix_cases_charge_outcomes_fy", "cases_charge_outcomes", ["fiscal_year", "outcome"]
    )


def downgrade() -> None:
    for table in (
        "cases_charge_outcomes",
        "cases_charges",
        "cases_arrests",
        "cases_evidence",
        "cases_keys",
        "cases_subjects",
        "cases_members",
        "cases_cases",
    ):
        op.drop_table(table)
