"""Paths, neighbourhoods, communities and centrality over the planted network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ctip.graph import service
from ctip.graph.build import LinkGraph, build_graph
from ctip.model.errors import NotFound
from ctip.store.db import Database
from tests.graph.network import CLIQUE_A, CLIQUE_B, DIRECTORS, PAYMENT, SHARED_PHONE, import_network


@pytest.fixture
def graph(sqlite_database: Database) -> Iterator[LinkGraph]:
    import_network(sqlite_database)
    with sqlite_database.session() as session:
        yield build_graph(session)


def test_all_shortest_paths_across_the_two_bridges(database: Database) -> None:
    import_network(database)
    with database.session() as session:
        graph = build_graph(session)
    paths = service.shortest_paths(graph, "a3", "b3")
    chains = {tuple([p.hops[0].source.id] + [h.target.id for h in p.hops]) for p in paths}
    assert chains == {("a3", "a1", "b1", "b3"), ("a3", "a2", "b2", "b3")}
    assert all(p.length == 3 for p in paths)
    bridges = {p.hops[1].source.id: p.hops[1].edges for p in paths}
    assert [(e.kind, e.via) for e in bridges["a1"]] == [("Payment", PAYMENT)]
    assert [dict(e.evidence)["value"] for e in bridges["a2"]] == [SHARED_PHONE]


def test_unconnected_entities_have_no_path(graph: LinkGraph) -> None:
    assert service.shortest_paths(graph, "a1", "hub") == []
    assert [h.target.id for h in service.shortest_paths(graph, "d1", "d2")[0].hops] == [
        "hub",
        "d2",
    ]


def test_unknown_entity_is_refused(graph: LinkGraph) -> None:
    with pytest.raises(service.UnknownEntity):
        service.shortest_paths(graph, "a1", "nobody")
    with pytest.raises(service.UnknownEntity):  # an edge entity is an edge, not a node
        service.neighbourhood(graph, [PAYMENT], 1)


def test_neighbourhood_grows_hop_by_hop(graph: LinkGraph) -> None:
    one = service.neighbourhood(graph, ["a1"], 1)
    assert one.hops == {"a1": 0, "a2": 1, "a3": 1, "a4": 1, "b1": 1}
    assert {e.via for e in one.edges if e.kind == "Payment"} == {PAYMENT}
    assert all({e.source, e.target} <= set(one.hops) for e in one.edges)
    two = service.neighbourhood(graph, ["a1"], 2)
    assert set(two.hops) == set(CLIQUE_A + CLIQUE_B) | {"addr"}
    assert two.hops["b2"] == 2 and two.hops["addr"] == 2
    cut = service.neighbourhood(graph, ["hub"], 1, limit=3)
    assert cut.truncated and len(cut.nodes) == 3 and cut.hops["hub"] == 0
    with pytest.raises(ValueError):
        service.neighbourhood(graph, ["a1"], 4)


def test_leiden_finds_the_planted_cliques_every_time(graph: LinkGraph) -> None:
    groups = service.communities(graph, min_size=3)
    members = [{n.id for n in g.members} for g in groups]
    assert sorted(members, key=len) == [
        set(CLIQUE_B),
        set(CLIQUE_A) | {"addr"},
        set(DIRECTORS) | {"hub"},
    ]
    again = service.communities(graph, min_size=3)
    assert [[n.id for n in g.members] for g in again] == [[n.id for n in g.members] for g in groups]


def test_components(graph: LinkGraph) -> None:
    groups = service.components(graph)
    assert [g.size for g in groups] == [9, 7]
    assert groups[1].edge_count == 6


def test_the_hub_leads_pagerank_and_brokers_every_path(graph: LinkGraph) -> None:
    rows = service.centrality(graph, service.component_of(graph, "d3"), top=10)
    assert rows[0].node.id == "hub"
    assert rows[0].degree == 6
    assert rows[0].betweenness == 15.0  # each of the C(6, 2) director pairs goes through it
    assert all(r.degree == 1 and r.betweenness == 0 for r in rows[1:])
    assert len({round(r.pagerank, 9) for r in rows[1:]}) == 1  # the leaves are alike
    overall = service.centrality(graph, None, top=1)
    assert overall[0].node.id == "hub"


def test_community_scope(graph: LinkGraph) -> None:
    number = next(
        g.number for g in service.communities(graph, 1) if "b1" in {n.id for n in g.members}
    )
    rows = service.centrality(graph, service.community_members(graph, number), top=10)
    assert {r.node.id for r in rows} == set(CLIQUE_B)
    assert all(r.degree == 3 for r in rows)
    with pytest.raises(NotFound, match="no community number 99"):
        service.community_members(graph, 99)
