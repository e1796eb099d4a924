"""The demo lists load and a second seed changes nothing."""

from __future__ import annotations

from ctip.lists.demo import TEAM_LIST, seed_demo
from ctip.lists.store import editions, list_entries
from ctip.store.db import Database


def test_seed_is_idempotent(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        first = seed_demo(session)
    with sqlite_database.session() as session:
        second = seed_demo(session)
        team = list_entries(session, TEAM_LIST)
        assert len(editions(session, TEAM_LIST)) == 1
    assert first == second and "4 entries" in first
    assert {e.schema for e in team} == {"Company", "Person", "Vessel"}
