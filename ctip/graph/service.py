"""Questions an investigator asks of the link graph: who is around this person, how are
these two connected, which groups hang together, who sits in the middle.

Every answer names its evidence: each edge carries the edge entity, property or identifier
that makes it. The CLI, the API and the workbench call these functions and nothing else.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import cast

import leidenalg

from ctip.graph.build import Edge, LinkGraph, Node
from ctip.model.errors import InvalidInput, NotFound

MAX_DEPTH = 3
MAX_NEIGHBOURHOOD = 500
"""A neighbourhood is cut at this many entities (nearest first) so a hub cannot flood a page."""
MAX_PATHS = 50
EXACT_BETWEENNESS_LIMIT = 3000
BETWEENNESS_CUTOFF = 4
"""Exact betweenness costs nodes x edges; above the limit only paths of up to 4 links count."""
LEIDEN_SEED = 20211
"""Fixed so the same store always gives the same communities, numbered the same way."""


class UnknownEntity(NotFound):
    """The entity is not in the graph (not stated by any source, or only an edge entity)."""

    def __init__(self, entity_id: str) -> None:
        super().__init__(f"no entity {entity_id!r} in the link graph")
        self.entity_id = entity_id


@dataclass(frozen=True)
class SubNetwork:
    """Entities and the edges among them; `hops` is each entity's distance from the centre."""

    centre: tuple[str, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    hops: dict[str, int]
    truncated: bool


def _vertex(graph: LinkGraph, entity_id: str) -> int:
    if entity_id not in graph.index:
        raise UnknownEntity(entity_id)
    return graph.index[entity_id]


def _check_depth(depth: int) -> None:
    if not 1 <= depth <= MAX_DEPTH:
        raise InvalidInput(f"depth must be between 1 and {MAX_DEPTH}, not {depth}")


def neighbourhood(
    graph: LinkGraph, entity_ids: list[str], depth: int = 1, limit: int = MAX_NEIGHBOURHOOD
) -> SubNetwork:
    """Everything within `depth` hops of any of the entities, with the edges among them."""
    _check_depth(depth)
    starts = [_vertex(graph, entity_id) for entity_id in dict.fromkeys(entity_ids)]
    hops: dict[str, int] = {}
    for distance in range(depth + 1):
        rings = graph.graph.neighborhood(starts, order=distance, mode="all", mindist=distance)
        for vertex in (v for ring in rings for v in ring):
            hops.setdefault(graph.ids[vertex], distance)
    kept = sorted(hops, key=lambda i: (hops[i], i))[: max(limit, len(starts))]
    return _sub_network(graph, tuple(graph.ids[s] for s in starts), kept, hops, limit)


def _sub_network(
    graph: LinkGraph, centre: tuple[str, ...], kept: list[str], hops: dict[str, int], limit: int
) -> SubNetwork:
    members = set(kept)
    edges = [e for e in graph.edges if e.source in members and e.target in members]
    return SubNetwork(
        centre,
        tuple(graph.nodes[i] for i in sorted(members)),
        tuple(edges),
        {i: hops[i] for i in kept},
        len(hops) > len(kept),
    )


@dataclass(frozen=True)
class Hop:
    """One step of a path and every edge that joins its two entities."""

    source: Node
    target: Node
    edges: tuple[Edge, ...]


@dataclass(frozen=True)
class LinkPath:
    """One shortest chain of links from one entity to another."""

    hops: tuple[Hop, ...]

    @property
    def length(self) -> int:
        """How many links long the path is."""
        return len(self.hops)


def shortest_paths(
    graph: LinkGraph, source: str, target: str, limit: int = MAX_PATHS
) -> list[LinkPath]:
    """Every shortest path between two entities (up to `limit`), each hop with its evidence.

    An empty list means the two are not connected at all.
    """
    start, end = _vertex(graph, source), _vertex(graph, target)
    found = graph.graph.get_all_shortest_paths(start, to=end, mode="all")
    chains = sorted(tuple(graph.ids[v] for v in path) for path in found)
    return [_path(graph, chain) for chain in chains[:limit]]


def _path(graph: LinkGraph, chain: tuple[str, ...]) -> LinkPath:
    hops = tuple(
        Hop(graph.nodes[a], graph.nodes[b], tuple(graph.edges_between(a, b)))
        for a, b in itertools.pairwise(chain)
    )
    return LinkPath(hops)


@dataclass(frozen=True)
class Group:
    """A set of entities: a connected component or a Leiden community."""

    number: int
    members: tuple[Node, ...]
    edge_count: int

    @property
    def size(self) -> int:
        """How many entities the group holds."""
        return len(self.members)


def _groups(graph: LinkGraph, membership: list[int], min_size: int) -> list[Group]:
    """Groups from a membership vector, largest first, numbered 1.. in that order."""
    by_group: dict[int, list[int]] = {}
    for vertex, group in enumerate(membership):
        by_group.setdefault(group, []).append(vertex)
    ranked = sorted(by_group.values(), key=lambda vs: (-len(vs), graph.ids[vs[0]]))
    kept = [vs for vs in ranked if len(vs) >= min_size]
    return [_group(graph, n, vs) for n, vs in enumerate(kept, start=1)]


def _group(graph: LinkGraph, number: int, vertices: list[int]) -> Group:
    members = tuple(graph.nodes[graph.ids[v]] for v in vertices)
    inside = graph.graph.subgraph(vertices)
    return Group(number, members, int(sum(inside.es["weight"])) if inside.ecount() else 0)


def components(graph: LinkGraph, min_size: int = 2) -> list[Group]:
    """The connected components (entities reachable from one another), largest first."""
    return _groups(graph, list(graph.graph.connected_components().membership), min_size)


def communities(graph: LinkGraph, min_size: int = 3) -> list[Group]:
    """Leiden communities (modularity, weighted by parallel links, fixed seed), largest first.

    Densely linked groups inside a component: a cell around a recruiter, a ring of funnel
    accounts. The seed and the sorted vertex order make the answer repeatable.
    """
    return _groups(graph, _leiden_membership(graph), min_size)


def _leiden_membership(graph: LinkGraph) -> list[int]:
    """The Leiden partition of the whole graph, computed once per graph."""
    key: tuple[object, ...] = ("leiden",)
    if key not in graph.memo:
        membership: list[int] = []
        if graph.graph.vcount():
            partition = leidenalg.find_partition(
                graph.graph,
                leidenalg.ModularityVertexPartition,
                weights="weight",
                seed=LEIDEN_SEED,
            )
            membership = list(partition.membership)
        graph.memo[key] = membership
    return cast(list[int], graph.memo[key])


@dataclass(frozen=True)
class Centrality:
    """How central an entity is, by three measures that answer different questions.

    degree: how many entities it links to directly; betweenness: how many shortest paths
    run through it (a broker); PageRank: linked to by entities that are themselves linked.
    """

    node: Node
    degree: int
    betweenness: float
    pagerank: float
    approximate: bool = False
    """Betweenness counted over paths of at most BETWEENNESS_CUTOFF links (large scopes)."""


def centrality(graph: LinkGraph, scope: list[str] | None = None, top: int = 20) -> list[Centrality]:
    """The most central entities of a scope (all entities if None), by PageRank."""
    vertices = (
        list(range(len(graph.ids))) if scope is None else sorted({_vertex(graph, i) for i in scope})
    )
    if not vertices:
        return []
    rows = _measures(graph, vertices)
    return rows[: max(top, 0)]


def _measures(graph: LinkGraph, vertices: list[int]) -> list[Centrality]:
    """Degree, betweenness and PageRank of a scope, ranked; computed once per scope."""
    key: tuple[object, ...] = ("centrality", tuple(vertices))
    if key not in graph.memo:
        graph.memo[key] = _compute_measures(graph, vertices)
    return cast(list[Centrality], graph.memo[key])


def _compute_measures(graph: LinkGraph, vertices: list[int]) -> list[Centrality]:
    sub = graph.graph.subgraph(vertices)
    approximate = len(vertices) > EXACT_BETWEENNESS_LIMIT
    cutoff = BETWEENNESS_CUTOFF if approximate else None
    degrees = sub.degree()
    betweenness = sub.betweenness(directed=False, cutoff=cutoff)
    pagerank = sub.pagerank(directed=False, weights="weight" if sub.ecount() else None)
    rows = [
        Centrality(
            graph.nodes[graph.ids[v]],
            int(degrees[i]),
            float(betweenness[i]),
            float(pagerank[i]),
            approximate,
        )
        for i, v in enumerate(vertices)
    ]
    rows.sort(key=lambda c: (-c.pagerank, -c.degree, c.node.id))
    return rows


def component_of(graph: LinkGraph, entity_id: str) -> list[str]:
    """Every entity reachable from this one."""
    reached = graph.graph.subcomponent(_vertex(graph, entity_id), mode="all")
    return sorted(graph.ids[v] for v in reached)


def community_members(graph: LinkGraph, number: int) -> list[str]:
    """The entities of community `number` (as numbered by `communities` with min size 1)."""
    for group in communities(graph, min_size=1):
        if group.number == number:
            return [node.id for node in group.members]
    raise NotFound(f"no community number {number}")


def export_ids(network: SubNetwork) -> list[str]:
    """The entities and the edge entities of a sub-network: what an FtM export must hold."""
    ids = {node.id for node in network.nodes}
    ids |= {edge.via for edge in network.edges if edge.via is not None}
    return sorted(ids)
