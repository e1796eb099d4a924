"""The move of detention steps into the shared ledger keeps every step and its meaning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, text

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.store import ledger
from ctip.store.db import Database, alembic_config
from ctip.trade import detentions

DET = "DET-ABC12345671-001"
STEPS = [
    ("opened", "2025-03-03", "ana", "XUAR address", {"screening": "detain", "cbp_order": False}),
    ("presented", "2025-03-04", "ana", "at CES", {}),
    ("document", "2025-03-10", "bo", "received", {"title": "Cotton trace", "dated": "2025-03-09"}),
    ("decided", "2025-03-20", "sup", "no proof", {"outcome": "excluded", "correction": False}),
]


@pytest.fixture
def before_the_move(database_url: str) -> Iterator[Database]:
    """A store at the trade area's first revision holding one detention in the old table."""
    command.upgrade(alembic_config(database_url), "0003_trade")
    db = Database(database_url)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO trade_detentions (id, entry_number, line_number, value_usd, "
                "opened_on, opened_at, opened_by) VALUES (:id, 'ABC12345671', 1, '5000.00', "
                "'2025-03-03', '2025-03-03T10:00:00.000000Z', 'ana')"
            ),
            {"id": DET},
        )
        for kind, day, actor, why, detail in STEPS:
            connection.execute(
                text(
                    "INSERT INTO trade_detention_events (detention_id, kind, occurred_on, "
                    "recorded_at, actor, reason, detail) VALUES (:det, :kind, :day, :at, "
                    ":actor, :why, :detail)"
                ),
                {
                    "det": DET,
                    "kind": kind,
                    "day": day,
                    "at": f"{day}T15:00:00.000000Z",
                    "actor": actor,
                    "why": why,
                    "detail": json.dumps(detail),
                },
            )
    yield db
    db.dispose()


def test_detention_steps_move_into_the_ledger_and_the_old_table_goes(
    before_the_move: Database,
) -> None:
    before_the_move.upgrade()
    assert "trade_detention_events" not in inspect(before_the_move.engine).get_table_names()
    with before_the_move.session() as session:
        events = ledger.events(session, ledger.Stream(detentions.STREAM_KIND, DET))
        state = detentions.detention_state(session, DET, date(2025, 4, 1))
    assert [(e.seq, e.kind, e.actor, e.reason, e.at[:10]) for e in events] == [
        (n, kind, actor, why, day) for n, (kind, day, actor, why, _) in enumerate(STEPS, 1)
    ]
    assert [e.detail for e in state.events] == [detail for *_, detail in STEPS]
    assert (state.status, state.decided_on) == ("excluded", "2025-03-20")
    assert [d.detail["title"] for d in state.documents] == ["Cotton trace"]
    protest = next(c for c in state.clocks if c.deadline.id == "protest_of_exclusion")
    assert (protest.started, protest.due, protest.state) == ("2025-03-20", "2025-09-16", "running")


def test_a_detention_moved_into_the_ledger_takes_its_next_step(before_the_move: Database) -> None:
    before_the_move.upgrade()
    with before_the_move.session() as session:
        state = detentions.record_step(
            session, DET, "protest_filed", "ana", "importer protests", "2025-04-01"
        )
    assert [e.seq for e in state.events] == [1, 2, 3, 4, 5]
    assert state.events[-1].kind == "protest_filed"
