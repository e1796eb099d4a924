"""The trade demo is deterministic and idempotent, with planted risks and detentions."""

from __future__ import annotations

from ctip.store.db import Database
from ctip.trade import demo, detentions, service


def test_seed_demo_twice_changes_nothing(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        first = demo.seed_demo(session)
    with sqlite_database.session() as session:
        second = demo.seed_demo(session)
        screened = service.screened_lines(session, None, 10_000)
        states = detentions.list_detentions(session)
    assert first == second
    decisions = {s.decision for s in screened}
    assert decisions == {"detain", "review", "release"}
    assert len(screened) == demo.LINES
    assert {"detained", "released", "excluded", "seized", "deemed_excluded"} <= {
        s.status for s in states
    }
    features = {f["name"] for s in screened for f in s.features}
    assert {"xuar_address", "supplier_tier", "uflpa_sector"} <= features


def test_demo_lines_are_the_same_every_time() -> None:
    assert demo.demo_lines(["Listed Co"]) == demo.demo_lines(["Listed Co"])
