"""The demo lists load and a second seed changes nothing."""

from __future__ import annotations

from ctip.store.db import Database
from ctip.watchlists.demo import TEAM_LIST, seed_demo
from ctip.watchlists.store import editions, list_entries


def test_seed_is_idempotent(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        first = seed_demo(session)
    with sqlite_database.session() as session:
        second = seed_demo(session)
        team = list_entries(session, TEAM_LIST)
        assert len(editions(session, "uflpa")) == 1
    assert first == second and "20 entries" in first
    assert {e.schema for e in team} == {"Company", "Person", "Vessel"}
