"""resolve: analysts' judgements move into the shared ledger

Every row of `resolve_judgements` becomes an event of its pair's stream in `ledger_events`
(stream kind `resolve-judgement`, the sorted pair as JSON for id, the decision as the event's
kind, the why as its reason), numbered from 1 per pair in the order judged, so the newest
decision on each pair is unchanged. The payload keeps the old row's id (`migrated_from`),
which earlier audit rows name. Then the old table goes; downgrading copies the events back.

Revision ID: 0008_resolve_ledger
Revises: 0005_resolve
Depends on: 0008_ledger
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008_resolve_ledger"
down_revision: str | None = "0005_resolve"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0008_ledger"

STREAM_KIND = "resolve-judgement"

old_judgements = sa.table(
    "resolve_judgements",
    sa.column("id", sa.Integer),
    sa.column("left_ref", sa.String),
    sa.column("right_ref", sa.String),
    sa.column("decision", sa.String),
    sa.column("why", sa.Text),
    sa.column("actor", sa.String),
    sa.column("judged_at", sa.String),
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


def _pair(left: str, right: str) -> str:
    """The stream id `ctip.resolve.judgements.pair_stream` gives the pair."""
    return json.dumps(sorted((left, right)), separators=(",", ":"), ensure_ascii=False)


def _as_event(row: sa.Row[Any], seq: int) -> dict[str, object]:
    payload = {
        "left": row.left_ref,
        "right": row.right_ref,
        "migrated_from": f"resolve_judgements:{row.id}",
    }
    return {
        "stream_kind": STREAM_KIND,
        "stream_id": _pair(row.left_ref, row.right_ref),
        "seq": seq,
        "kind": row.decision,
        "actor": row.actor,
        "at": row.judged_at,
        "reason": row.why,
        "payload": json.dumps(payload, sort_keys=True, ensure_ascii=False),
    }


def upgrade() -> None:
    connection = op.get_bind()
    counts: dict[str, int] = {}
    moved = []
    for row in connection.execute(sa.select(old_judgements).order_by(old_judgements.c.id)):
        pair = _pair(row.left_ref, row.right_ref)
        counts[pair] = counts.get(pair, 0) + 1
        moved.append(_as_event(row, counts[pair]))
    if moved:
        connection.execute(ledger_events.insert(), moved)
    with op.batch_alter_table("resolve_judgements", schema=None) as batch_op:
        batch_op.drop_index("ix_resolve_judgements_left_ref")
        batch_op.drop_index("ix_resolve_judgements_right_ref")
    op.drop_table("resolve_judgements")


def downgrade() -> None:
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
    connection = op.get_bind()
    ours = ledger_events.c.stream_kind == STREAM_KIND
    rows = connection.execute(sa.select(ledger_events).where(ours).order_by(ledger_events.c.id))
    back = [
        {
            "left_ref": json.loads(row.payload)["left"],
            "right_ref": json.loads(row.payload)["right"],
            "decision": row.kind,
            "why": row.reason,
            "actor": row.actor,
            "judged_at": row.at,
        }
        for row in rows
    ]
    if back:
        connection.execute(old_judgements.insert(), back)
    connection.execute(ledger_events.delete().where(ours))
