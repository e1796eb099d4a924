"""intake: public tips and allegations, reporters' additions, dedup keys, encounter screenings

Revision ID: intake_0001_tables
Revises: 0001
Create Date: 2026-12-03 13:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "intake_0001_tables"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ("0008_ledger",)

LIST = sa.Text()


def _tips() -> None:
    op.create_table(
        "intake_tips",
        sa.Column("id", sa.String(length=20), nullable=False),
        sa.Column("ack_sha256", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("received_on", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("reporter_location", sa.String(length=12), nullable=False),
        sa.Column("activity", sa.String(length=40), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("persons", LIST, nullable=False),
        sa.Column("places", LIST, nullable=False),
        sa.Column("phones", LIST, nullable=False),
        sa.Column("emails", LIST, nullable=False),
        sa.Column("vehicles", LIST, nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("company", sa.String(length=300), nullable=False),
        sa.Column("goods", sa.String(length=300), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("ilo_indicators", LIST, nullable=False),
        sa.Column("documents", LIST, nullable=False),
        sa.Column("screening_id", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_tips")),
        sa.UniqueConstraint("ack_sha256", name=op.f("uq_intake_tips_ack_sha256")),
    )
    op.create_index("ix_intake_tips_received_on", "intake_tips", ["received_on"])
    op.create_index("ix_intake_tips_activity", "intake_tips", ["activity"])


def _additions_and_keys() -> None:
    op.create_table(
        "intake_tip_additions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tip_id", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.String(length=32), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_tip_additions")),
    )
    op.create_index(op.f("ix_intake_tip_additions_tip_id"), "intake_tip_additions", ["tip_id"])
    op.create_table(
        "intake_tip_keys",
        sa.Column("tip_id", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.PrimaryKeyConstraint("tip_id", "kind", "key", name=op.f("pk_intake_tip_keys")),
    )
    op.create_index("ix_intake_tip_keys_key", "intake_tip_keys", ["kind", "key"])


def _screenings() -> None:
    op.create_table(
        "intake_screenings",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("draft_id", sa.String(length=64), nullable=False),
        sa.Column("officer", sa.String(length=100), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("port", sa.String(length=10), nullable=False),
        sa.Column("encountered_on", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("subject_name", sa.String(length=300), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("referral", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.String(length=60), nullable=False),
        sa.Column("tip_id", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_screenings")),
    )
    op.create_index(
        "ix_intake_screenings_officer", "intake_screenings", ["officer", "encountered_on"]
    )
    op.create_index(
        "ix_intake_screenings_draft", "intake_screenings", ["officer", "draft_id"], unique=True
    )


def upgrade() -> None:
    _tips()
    _additions_and_keys()
    _screenings()


def downgrade() -> None:
    op.drop_table("intake_screenings")
    op.drop_table("intake_tip_keys")
    op.drop_table("intake_tip_additions")
    op.drop_table("intake_tips")
