"""The demo world is deterministic, valid FtM, and holds the patterns the demo shows."""

from __future__ import annotations

from ctip.demo import world
from ctip.ingest.ftm import parse_ftm_lines
from ctip.model.roles import STAFF_ROLES
from ctip.store import entities
from ctip.store.db import Database


def test_same_seed_same_world() -> None:
    assert world.world_lines(world.build_world()) == world.world_lines(world.build_world())
    assert world.world_lines(world.build_world(seed=1)) != world.world_lines(world.build_world())


def test_world_is_valid_ftm() -> None:
    parsed = parse_ftm_lines(world.world_lines(world.build_world()), "demo")
    schemata = {e.schema.name for e in parsed.entities}
    assert {"Person", "Company", "Ownership", "Directorship", "BankAccount", "Payment"} <= schemata


def test_seeding_twice_is_idempotent(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        assert world.seed_users(session) == len(STAFF_ROLES)
        first = world.seed_entities(session)
    with sqlite_database.session() as session:
        assert world.seed_users(session) == 0
        assert world.seed_entities(session).already_imported
        assert entities.count_entities(session) == first.entities
        ring = entities.find_by_identifier(session, "+17135550199", "phone")
    assert len(ring) == 3
