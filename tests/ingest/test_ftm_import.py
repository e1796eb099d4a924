"""Importing FtM files: round trip, all or nothing, idempotent, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.model.errors import InvalidInput
from ctip.store import entities
from ctip.store.db import Database
from ctip.store.tables import AuditEvent, StatementRow
from tests.conftest import shared_data

DONATIONS = "donations.ftm.ijson"


def _donations() -> bytes:
    return shared_data("name_matching", DONATIONS).read_bytes()


def _canonical(records: Iterable[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """Entities as comparable (id, schema, sorted properties) triples."""
    return {
        (
            r["id"],
            r["schema"],
            json.dumps({k: sorted(v) for k, v in r["properties"].items()}, sort_keys=True),
        )
        for r in records
    }


def _count(database: Database, column: Any) -> int:
    with database.session() as session:
        return int(session.execute(select(func.count(column))).scalar_one())


def test_round_trip_gives_the_same_entities(database: Database) -> None:
    data = _donations()
    with database.session() as session:
        outcome = import_ftm_bytes(session, data, DONATIONS, "donations", "tester")
    assert outcome.entities == len(data.splitlines())
    with database.session() as session:
        exported = list(entities.export_entities(session))
    original = [json.loads(line) for line in data.splitlines()]
    assert _canonical(exported) == _canonical(original)


def test_reimport_changes_nothing(database: Database) -> None:
    data = _donations()
    with database.session() as session:
        first = import_ftm_bytes(session, data, DONATIONS, "donations", "tester")
    before = (_count(database, StatementRow.id), _count(database, AuditEvent.seq))
    with database.session() as session:
        again = import_ftm_bytes(session, data, DONATIONS, "donations", "tester")
    assert again.already_imported and again.statements_new == 0
    assert (again.import_id, again.entities) == (first.import_id, first.entities)
    assert again.statements_seen_again == first.statements_new + first.statements_seen_again
    assert (_count(database, StatementRow.id), _count(database, AuditEvent.seq)) == before


def test_malformed_line_writes_nothing(database: Database) -> None:
    lines = _donations().splitlines()
    lines[41] = b'{"id": "x", "schema": "Person", "properties": {"name": ["A"]'
    with pytest.raises(FileRejected) as caught, database.session() as session:
        import_ftm_bytes(session, b"\n".join(lines), "bad.ijson", "donations", "tester")
    assert [e.row for e in caught.value.errors] == [42]
    assert _count(database, StatementRow.id) == 0


def test_crash_half_way_leaves_store_as_before(database: Database) -> None:
    def crash_after_first_batch(_n: int) -> None:
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError), database.session() as session:
        import_ftm_bytes(
            session, _donations(), DONATIONS, "donations", "tester", crash_after_first_batch
        )
    assert _count(database, StatementRow.id) == 0
    assert _count(database, AuditEvent.seq) == 0


def test_a_second_source_adds_provenance_not_duplicates(database: Database) -> None:
    line = b'{"id": "p1", "schema": "Person", "properties": {"name": ["Ana Silva"]}}'
    other = (
        b'{"id": "p1", "schema": "Person", '
        b'"properties": {"name": ["Ana Silva"], "country": ["br"]}}'
    )
    with database.session() as session:
        import_ftm_bytes(session, line, "a.ijson", "registry-a", "tester")
        import_ftm_bytes(session, other, "b.ijson", "registry-b", "tester")
        record = entities.get_entity(session, "p1")
    assert record is not None
    names = [p for p in record.provenance if p.prop == "name"]
    assert sorted(p.source for p in names) == ["registry-a", "registry-b"]
    assert record.proxy.get("country") == ["br"]


def test_same_file_again_under_a_new_edition_moves_last_seen(database: Database) -> None:
    first = b'{"id": "p1", "schema": "Person", "properties": {"name": ["Ana Silva"]}}'
    second = first + b'\n{"id": "p2", "schema": "Person", "properties": {"name": ["Rui Costa"]}}'
    with database.session() as session:
        import_ftm_bytes(session, first, "v1.ijson", "registry", "tester")
    with database.session() as session:
        outcome = import_ftm_bytes(session, second, "v2.ijson", "registry", "tester")
        record = entities.get_entity(session, "p1")
    assert (outcome.statements_new, outcome.statements_seen_again) == (2, 2)
    assert record is not None
    name = next(p for p in record.provenance if p.prop == "name")
    assert name.last_seen > name.first_seen


def test_bad_source_name_is_refused(database: Database) -> None:
    with pytest.raises(InvalidInput, match="source"), database.session() as session:
        import_ftm_bytes(session, _donations(), DONATIONS, "Bad Source!", "tester")


def test_the_same_file_from_another_source_is_another_import(database: Database) -> None:
    line = b'{"id": "p1", "schema": "Person", "properties": {"name": ["Ana Silva"]}}'
    with database.session() as session:
        first = import_ftm_bytes(session, line, "a.ijson", "registry-a", "tester")
        other = import_ftm_bytes(session, line, "a.ijson", "registry-b", "tester")
    assert not other.already_imported and other.import_id != first.import_id
    assert (other.source, other.statements_new) == ("registry-b", first.statements_new)
