"""Look-ups by name and identifier, and an entity's links, on both backends."""

from __future__ import annotations

import json

import pytest

from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.store import entities
from ctip.store.db import Database
from tests.conftest import shared_data

NETWORK = [
    {
        "id": "p-petrova",
        "schema": "Person",
        "properties": {
            "name": ["Olena Petrova"],
            "alias": ["Олена Петрова"],
            "country": ["ua"],
            "phone": ["+380 67 123 4567"],
            "email": ["O.Petrova@Example.org"],
        },
    },
    {"id": "p-muller", "schema": "Person", "properties": {"name": ["José Müller"]}},
    {
        "id": "c-golden",
        "schema": "Company",
        "properties": {
            "name": ["Golden Harvest Textile Co., Ltd."],
            "alias": ["新疆金色收获纺织有限公司"],
            "registrationNumber": ["91-650100-MA77"],
        },
    },
    {
        "id": "own-1",
        "schema": "Ownership",
        "properties": {"owner": ["p-petrova"], "asset": ["c-golden"], "percentage": ["51"]},
    },
    {
        "id": "acct-1",
        "schema": "BankAccount",
        "properties": {"accountNumber": ["DE89 3704 0044 0532 0130 00"]},
    },
]


@pytest.fixture
def network(database: Database) -> Database:
    data = "\n".join(json.dumps(e, ensure_ascii=False) for e in NETWORK).encode()
    with database.session() as session:
        import_ftm_bytes(session, data, "network.ijson", "casefile", "tester")
    return database


def _names(network: Database, query: str, schema: str | None = None) -> list[str]:
    with network.session() as session:
        return [s.id for s in entities.search_by_name(session, query, schema=schema)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("olena petrova", ["p-petrova"]),
        ("PETROVA, Olena", ["p-petrova"]),
        ("Олена Петрова", ["p-petrova"]),
        ("jose muller", ["p-muller"]),
        ("JOSÉ", ["p-muller"]),
        ("xinjiang", ["c-golden"]),
        ("golden textile", ["c-golden"]),
        ("nobody here", []),
        ("   ", []),
    ],
)
def test_name_lookup_ignores_case_accents_order_and_script(
    network: Database, query: str, expected: list[str]
) -> None:
    assert _names(network, query) == expected


def test_name_lookup_filters_by_schema_family(network: Database) -> None:
    assert _names(network, "petrova", schema="LegalEntity") == ["p-petrova"]
    assert _names(network, "petrova", schema="Company") == []


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("+380671234567", "phone", ["p-petrova"]),
        ("+380 (67) 123-45-67", None, ["p-petrova"]),
        ("o.petrova@example.ORG", "email", ["p-petrova"]),
        ("de89370400440532013000", "account", ["acct-1"]),
        ("91 650100 MA77", "registration", ["c-golden"]),
        ("+1 202 555 0100", "phone", []),
    ],
)
def test_identifier_lookup_normalises_the_query(
    network: Database, value: str, kind: str | None, expected: list[str]
) -> None:
    with network.session() as session:
        assert [s.id for s in entities.find_by_identifier(session, value, kind)] == expected


def test_unknown_identifier_kind_is_refused(network: Database) -> None:
    with pytest.raises(ValueError, match="unknown identifier kind"), network.session() as session:
        entities.find_by_identifier(session, "x", "shoe-size")


def test_links_follow_edges_to_the_other_end(network: Database) -> None:
    with network.session() as session:
        owner_links = entities.entity_links(session, "p-petrova")
        asset_links = entities.entity_links(session, "c-golden")
    assert [(lk.prop, lk.other.id, lk.via.id if lk.via else None) for lk in owner_links] == [
        ("Ownership.asset", "c-golden", "own-1")
    ]
    assert [(lk.other.id, lk.via.id if lk.via else None) for lk in asset_links] == [
        ("p-petrova", "own-1")
    ]


def test_entity_shows_where_each_value_came_from(network: Database) -> None:
    with network.session() as session:
        record = entities.get_entity(session, "p-petrova")
    assert record is not None
    email = next(p for p in record.provenance if p.prop == "email")
    assert email.source == "casefile" and email.first_seen.endswith("Z")
    phone = next(p for p in record.provenance if p.prop == "phone")
    assert (phone.value, phone.original_value) == ("+380671234567", "+380 67 123 4567")


def test_donations_donor_spelling_variants_are_found(database: Database) -> None:
    data = shared_data("name_matching", "donations.ftm.ijson").read_bytes()
    with database.session() as session:
        import_ftm_bytes(session, data, "donations.ftm.ijson", "donations", "tester")
        hits = entities.search_by_name(session, "lina dachner")
    assert [h.caption for h in hits] == ["Frau Lina Dachner"]
    assert all(h.schema == "Person" for h in hits)
