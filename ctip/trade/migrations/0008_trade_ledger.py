"""trade: detention steps move into the shared ledger

Every row of `trade_detention_events` becomes an event of the detention's stream in
`ledger_events` (stream kind `trade_detention`, numbered from 1 in the order recorded, the
day it happened and its detail in the payload), then the old table goes. Downgrading copies
the events back.

Revision ID: 0008_trade_ledger
Revises: 0003_trade
Depends on: 0008_ledger
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008_trade_ledger"
down_revision: str | None = "0003_trade"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0008_ledger"

STREAM_KIND = "trade_detention"

old_events = sa.table(
    "trade_detention_events",
    sa.column("id", sa.Integer),
    sa.column("detention_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("occurred_on", sa.String),
    sa.column("recorded_at", sa.String),
    sa.column("actor", sa.String),
    sa.column("reason", sa.Text),
    sa.column("detail", sa.Text),
)
ledger_events = sa.table(
    "ledger_events",
    sa.column("id", sa.Integer),
    sa.column("stream_kind", sa.String),
    sa.column("stream_id", sa.String),
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("actor", sa.String),
    sa.column("at", sa.String),
    sa.column("reason", sa.Text),
    sa.column("payload", sa.Text),
)


def _as_event(row: sa.Row[Any], seq: int) -> dict[str, object]:
    payload = {"occurred_on": row.occurred_on, "detail": json.loads(row.detail)}
    return {
        "stream_kind": STREAM_KIND,
        "stream_id": row.detention_id,
        "seq": seq,
        "kind": row.kind,
        "actor": row.actor,
        "at": row.recorded_at,
        "reason": row.reason,
        "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False),
    }


def upgrade() -> None:
    connection = op.get_bind()
    counts: dict[str, int] = {}
    moved = []
    for row in connection.execute(sa.select(old_events).order_by(old_events.c.id)):
        counts[row.detention_id] = counts.get(row.detention_id, 0) + 1
        moved.append(_as_event(row, counts[row.detention_id]))
    if moved:
        connection.execute(ledger_events.insert(), moved)
    with op.batch_alter_table("trade_detention_events", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_detention_events_detention_id")
    op.drop_table("trade_detention_events")


def downgrade() -> None:
    op.create_table(
        "trade_detention_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("detention_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occurred_on", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_detention_events")),
    )
    with op.batch_alter_table("trade_detention_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trade_detention_events_detention_id", ["detention_id"], unique=False
        )
    connection = op.get_bind()
    ours = ledger_events.c.stream_kind == STREAM_KIND
    rows = connection.execute(sa.select(ledger_events).where(ours).order_by(ledger_events.c.id))
    back = [
        {
            "detention_id": row.stream_id,
            "kind": row.kind,
            "occurred_on": json.loads(row.payload)["occurred_on"],
            "recorded_at": row.at,
            "actor": row.actor,
            "reason": row.reason,
            "detail": json.dumps(
                json.loads(row.payload)["detail"], sort_keys=True, ensure_ascii=False
            ),
        }
        for row in rows
    ]
    if back:
        connection.execute(old_events.insert(), back)
    connection.execute(ledger_events.delete().where(ours))
