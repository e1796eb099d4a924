"""The link graph built from the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from ctip.graph.build import PROPERTY_EDGE, SHARED_IDENTIFIER, build_graph, cached_graph
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.store.db import Database
from tests.conftest import shared_data
from tests.graph.network import (
    CLIQUE_A,
    CLIQUE_B,
    DIRECTORS,
    PAYMENT,
    SHARED_PHONE,
    import_network,
)

EDGE_SCHEMATA = {"Payment", "Ownership", "Directorship", "Family", "UnknownLink"}


def test_planted_network_becomes_typed_edges_with_evidence(database: Database) -> None:
    import_network(database)
    with database.session() as session:
        graph = build_graph(session)
    people = set(CLIQUE_A + CLIQUE_B + DIRECTORS)
    assert set(graph.nodes) == people | {"addr", "hub"}  # edge entities are edges, not nodes
    payment = graph.edges_between("b1", "a1")
    assert [(e.kind, e.source, e.target, e.via) for e in payment] == [
        ("Payment", "a1", "b1", PAYMENT)
    ]
    assert ("amount", "9500") in payment[0].evidence
    assert ("date", "2021-03-04") in payment[0].evidence
    assert payment[0].sources == ("planted",)
    family = graph.edges_between("b2", "b4")
    assert [e.kind for e in family] == ["Family"]
    lives = graph.edges_between("a4", "addr")
    assert [(e.kind, e.evidence) for e in lives] == [
        (PROPERTY_EDGE, (("property", "Person.addressEntity"),))
    ]
    phone = graph.edges_between("a2", "b2")
    assert [(e.kind, dict(e.evidence)) for e in phone] == [
        (SHARED_IDENTIFIER, {"identifier": "phone", "value": SHARED_PHONE})
    ]
    assert sorted(graph.neighbour_ids("hub")) == DIRECTORS


def test_every_donation_is_a_payment_edge_from_donor_to_party(database: Database) -> None:
    path = shared_data("name_matching", "donations.ftm.ijson")
    with database.session() as session:
        import_ftm_bytes(session, path.read_bytes(), path.name, "donations", "test")
    with database.session() as session:
        graph = build_graph(session)
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    payments = {
        e["id"]: (e["properties"]["payer"][0], e["properties"]["beneficiary"][0])
        for e in lines
        if e["schema"] == "Payment"
    }
    found = {e.via: (e.source, e.target) for e in graph.edges if e.kind == "Payment"}
    assert found == payments
    assert set(graph.nodes) == {e["id"] for e in lines if e["schema"] != "Payment"}
    assert graph.dangling == 0


def test_cached_graph_is_rebuilt_when_the_store_changes(sqlite_database: Database) -> None:
    import_network(sqlite_database)
    with sqlite_database.session() as session:
        first = cached_graph(session)
        assert cached_graph(session) is first
    extra = b'{"id": "e1", "schema": "Person", "properties": {"name": ["Extra"]}}\n'
    with sqlite_database.session() as session:
        import_ftm_bytes(session, extra, "extra.ijson", "extra", "test")
    with sqlite_database.session() as session:
        assert "e1" in cached_graph(session).nodes
