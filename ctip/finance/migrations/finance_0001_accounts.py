"""finance: accounts, transactions, scans, account findings and patterns

Revision ID: finance_0001_accounts
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "finance_0001_accounts"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("0007_file_imports",)

KEY = sa.String(length=100)
MONEY = sa.String(length=32)


def upgrade() -> None:
    op.create_table(
        "finance_accounts",
        sa.Column("account_id", KEY, nullable=False),
        sa.Column("holder_name", sa.String(length=300), nullable=False),
        sa.Column("holder_id", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("bank", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("account_type", sa.String(length=40), nullable=False),
        sa.Column("opened", sa.String(length=32), nullable=False),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_finance_accounts")),
    )
    op.create_table(
        "finance_transactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tx_id", KEY, nullable=False),
        sa.Column("source", KEY, nullable=False),
        sa.Column("target", KEY, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("counterparty", sa.String(length=300), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_transactions")),
        sa.UniqueConstraint("tx_id", name=op.f("uq_finance_transactions_tx_id")),
    )
    op.create_index("ix_finance_transactions_source", "finance_transactions", ["source"])
    op.create_index("ix_finance_transactions_target", "finance_transactions", ["target"])
    op.create_table(
        "finance_scans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scanned_at", sa.String(length=32), nullable=False),
        sa.Column("scanned_by", sa.String(length=100), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("patterns", sa.Integer(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finance_scans")),
    )
    op.create_table(
        "finance_account_findings",
        sa.Column("scan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("account_id", KEY, nullable=False),
        sa.Column("score", sa.String(length=12), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.Column("typologies", sa.Text(), nullable=False),
        sa.Column("red_flags", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("scan_id", "account_id", name=op.f("pk_finance_account_findings")),
    )
    op.create_index(
        "ix_finance_account_findings_scan", "finance_account_findings", ["scan_id", "flagged"]
    )
    op.create_table(
        "finance_patterns",
        sa.Column("scan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pattern_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("score", sa.String(length=12), nullable=False),
        sa.Column("first_step", sa.Integer(), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("scan_id", "pattern_id", name=op.f("pk_finance_patterns")),
    )
    op.create_index("ix_finance_patterns_scan", "finance_patterns", ["scan_id"])
    op.create_table(
        "finance_pattern_members",
        sa.Column("scan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pattern_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", KEY, nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint(
            "scan_id", "pattern_id", "account_id", name=op.f("pk_finance_pattern_members")
        ),
    )
    op.create_index(
        "ix_finance_pattern_members_account",
        "finance_pattern_members",
        ["scan_id", "account_id"],
    )


def downgrade() -> None:
    for table in (
        "finance_pattern_members",
        "finance_patterns",
        "finance_account_findings",
        "finance_scans",
        "finance_transactions",
        "finance_accounts",
    ):
        op.drop_table(table)
