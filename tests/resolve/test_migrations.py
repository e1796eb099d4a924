"""The move of analysts' judgements into the shared ledger keeps every decision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import inspect, text

import ctip.areas  # noqa: F401  (installs the areas' migrations)
from ctip.resolve import judgements, service
from ctip.store.db import Database, alembic_config

JUDGED = [
    ("a", "b", "same", "same passport photo", "ana", "2025-01-02T10:00:00.000000Z"),
    ("c", "a", "different", "other birth date", "bo", "2025-01-03T10:00:00.000000Z"),
    ("b", "a", "different", "documents differ", "sup", "2025-01-04T10:00:00.000000Z"),
]


def _old_rows(db: Database) -> list[tuple[str, ...]]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT left_ref, right_ref, decision, why, actor, judged_at "
                "FROM resolve_judgements ORDER BY id"
            )
        )
        return [tuple(row) for row in rows]


@pytest.fixture
def before_the_move(database_url: str) -> Iterator[Database]:
    """A store at the resolve area's first revision holding judgements in the old table."""
    command.upgrade(alembic_config(database_url), "0005_resolve")
    db = Database(database_url)
    with db.engine.begin() as connection:
        for left, right, decision, why, actor, at in JUDGED:
            connection.execute(
                text(
                    "INSERT INTO resolve_judgements (left_ref, right_ref, decision, why, actor, "
                    "judged_at) VALUES (:left, :right, :decision, :why, :actor, :at)"
                ),
                {"left": left, "right": right, "decision": decision, "why": why}
                | {"actor": actor, "at": at},
            )
    yield db
    db.dispose()


def test_judgements_move_into_the_ledger_and_the_newest_decision_still_wins(
    before_the_move: Database,
) -> None:
    before_the_move.upgrade()
    assert "resolve_judgements" not in inspect(before_the_move.engine).get_table_names()
    with before_the_move.session() as session:
        decisions = service.current_decisions(session)
        history = judgements.involving(session, ["a"])
        pair = judgements.pair_stream("a", "b")
    assert decisions == {frozenset("ab"): "different", frozenset("ac"): "different"}
    assert [
        (e.payload["left"], e.payload["right"], e.kind, e.reason, e.actor, e.at) for e in history
    ] == JUDGED
    assert [(e.stream, e.seq) for e in history] == [(pair, 1), (history[1].stream, 1), (pair, 2)]
    assert history[0].payload["migrated_from"] == "resolve_judgements:1"


def test_downgrading_puts_the_judgements_back(before_the_move: Database) -> None:
    before_the_move.upgrade()
    command.downgrade(alembic_config(before_the_move.url), "0005_resolve")
    assert _old_rows(before_the_move) == JUDGED
    before_the_move.upgrade()
    with before_the_move.session() as session:
        assert judgements.count(session) == len(JUDGED)
