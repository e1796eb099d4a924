"""Many identifiers looked up at once answer what each look-up answers alone, need-to-know
and the per-value limit included, in a handful of queries (both backends)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.model.errors import InvalidInput
from ctip.store import entities
from ctip.store.db import Database
from tests.support.queries import counted_statements

SHARED = "+1 702 555 0101"
CROWDED = "+1 702 555 0102"
SECRET_ONLY = "+1 702 555 0103"
SECRET = "secret-files"


def _person(entity_id: str, **values: str) -> dict[str, Any]:
    properties = {"name": [values.pop("name", entity_id)]} | {k: [v] for k, v in values.items()}
    return {"id": entity_id, "schema": "Person", "properties": properties}


def _import(database: Database, source: str, people: list[dict[str, Any]]) -> None:
    data = "\n".join(json.dumps(p) for p in people).encode()
    with database.session() as session:
        import_ftm_bytes(session, data, f"{source}.ijson", source, "tester")


@pytest.fixture
def held(database: Database) -> Database:
    """Two people share a phone (one e-mail too), six share another, a secret source holds
    the first phone and, for an entity the case file also states, a phone of its own."""
    casefile = [
        _person("p-ana", phone=SHARED, email="Ana@Example.org"),
        _person("p-bo", phone="+1 (702) 555-0101"),
        _person("m-mixed", name="Mixed Holder"),
        *(_person(f"c-{n}", phone=CROWDED) for n in range(6)),
    ]
    _import(database, "casefile", casefile)
    secret = [_person("s-only", phone=SHARED), _person("m-mixed", phone=SECRET_ONLY)]
    _import(database, SECRET, secret)
    return database


WANTED = [
    ("phone", "+17025550101"),
    ("phone", "702.555.0102"),
    ("phone", SECRET_ONLY),
    ("email", "ana@example.org"),
    ("email", "nobody@example.org"),
    ("phone", "not a phone"),
    ("registration", ""),
]


def _ids(found: dict[tuple[str, str], list[entities.EntitySummary]]) -> dict[str, list[str]]:
    return {value: [e.id for e in summaries] for (_, value), summaries in found.items()}


def test_each_value_finds_its_holders_in_id_order_up_to_the_limit(held: Database) -> None:
    with held.session() as session:
        found = _ids(entities.find_by_identifiers(session, WANTED, 3))
    assert found == {
        "+17025550101": ["p-ana", "p-bo", "s-only"],
        "702.555.0102": ["c-0", "c-1", "c-2"],
        SECRET_ONLY: ["m-mixed"],
        "ana@example.org": ["p-ana"],
        "nobody@example.org": [],
        "not a phone": [],
        "": [],
    }


def test_a_hidden_source_neither_finds_nor_names_a_holder(held: Database) -> None:
    with held.session() as session:
        found = entities.find_by_identifiers(session, WANTED, 3, {SECRET})
    assert _ids(found)["+17025550101"] == ["p-ana", "p-bo"]
    assert _ids(found)[SECRET_ONLY] == []  # m-mixed is visible, but not its phone
    assert all(SECRET not in e.sources for summaries in found.values() for e in summaries)


@pytest.mark.parametrize("hidden", [frozenset(), frozenset({SECRET})], ids=["all", "hidden"])
@pytest.mark.parametrize("limit", [1, 3, 25])
def test_the_batch_answers_what_each_look_up_answers(
    held: Database, hidden: frozenset[str], limit: int
) -> None:
    with held.session() as session:
        batch = entities.find_by_identifiers(session, WANTED, limit, hidden)
        alone = {
            (kind, value): entities.find_by_identifier(session, value, kind, limit, hidden)
            for kind, value in WANTED
        }
    assert batch == alone


def test_a_thousand_values_take_a_few_queries(database: Database) -> None:
    people = [_person(f"p-{n:04d}", phone=f"+1702556{n:04d}") for n in range(1200)]
    _import(database, "casefile", people)
    wanted = [("phone", f"+1 702 556 {n:04d}") for n in range(1200)]
    with database.session() as session, counted_statements(database) as queries:
        found = entities.find_by_identifiers(session, wanted, 5, {SECRET})
    assert [[e.id for e in found[pair]] for pair in wanted] == [[p["id"]] for p in people]
    assert queries[0] <= 8  # 3 batches of phones, 3 of statements (500 a batch)


def test_an_unknown_kind_is_refused(held: Database) -> None:
    with pytest.raises(InvalidInput, match="shoe-size"), held.session() as session:
        entities.find_by_identifiers(session, [("phone", SHARED), ("shoe-size", "44")])
