"""The resolve demo: the demo people seen again by other sources, resolved, idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from ctip.demo import world
from ctip.resolve import service
from ctip.resolve.demo import SEEN_AGAIN, seed_demo
from ctip.resolve.tables import ResolveRun
from ctip.store.db import Database


def test_the_demo_joins_each_second_sighting_to_its_person_and_is_idempotent(
    sqlite_database: Database,
) -> None:
    with sqlite_database.session() as session:
        world.seed_entities(session)
        first = seed_demo(session)
    with sqlite_database.session() as session:
        again = seed_demo(session)
        runs = session.scalar(select(func.count()).select_from(ResolveRun))
        joined = service.largest_clusters(session)
    assert "resolved" in first
    assert "already" in again
    assert runs == 2  # people, then organisations; the second seeding ran nothing
    assert len(joined) >= SEEN_AGAIN - 1
    assert all(c.size >= 2 for c in joined)
