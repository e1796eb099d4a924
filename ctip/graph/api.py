"""API routes of the link graph: neighbourhood, paths, communities, components, centrality,
and the FtM export of a sub-network. Each calls `ctip.graph.service` and nothing else."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from ctip.api.deps import DbSession, get_database, require
from ctip.api.errors import ApiError
from ctip.api.routes.entities import FTM_LINES_BODY, FtmLinesResponse
from ctip.api.schemas import error_responses
from ctip.authz import audit
from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal
from ctip.graph import service
from ctip.graph.access import GraphAction
from ctip.graph.build import Edge, LinkGraph, Node, cached_graph
from ctip.graph.export import export_network
from ctip.graph.service import export_ids
from ctip.store.db import Database

router = APIRouter(prefix="/graph", tags=["graph"])
Reader = Annotated[Principal, Depends(require(GraphAction.READ))]
Depth = Annotated[int, Query(ge=1, le=service.MAX_DEPTH, description="hops from the entity")]
EntityId = Annotated[str, Query(min_length=1, max_length=255)]
NOT_FOUND = error_responses(404)


class NodeOut(BaseModel):
    """An entity in the graph."""

    id: str
    schema_: str = Field(alias="schema", serialization_alias="schema")
    caption: str

    @classmethod
    def of(cls, node: Node) -> NodeOut:
        """From the graph's node."""
        return cls.model_validate({"id": node.id, "schema": node.schema, "caption": node.caption})


class EvidenceOut(BaseModel):
    """One fact that makes an edge: a property, an identifier, a date or an amount."""

    name: str
    value: str


class EdgeOut(BaseModel):
    """A link between two entities and why it exists."""

    id: str
    source: str
    target: str
    kind: str = Field(description="FtM edge schema, 'property' or 'sharesIdentifier'")
    label: str
    via: str | None = Field(description="the edge entity (payment, ownership...), if any")
    evidence: list[EvidenceOut]
    sources: list[str]

    @classmethod
    def of(cls, edge: Edge) -> EdgeOut:
        """From the graph's edge."""
        return cls(
            id=edge.key,
            source=edge.source,
            target=edge.target,
            kind=edge.kind,
            label=edge.label,
            via=edge.via,
            evidence=[EvidenceOut(name=k, value=v) for k, v in edge.evidence],
            sources=list(edge.sources),
        )


class NeighbourOut(NodeOut):
    """An entity of a neighbourhood with its distance from the centre."""

    hops: int


class NeighbourhoodOut(BaseModel):
    """The entities around one entity and the edges among them."""

    centre: str
    depth: int
    truncated: bool
    nodes: list[NeighbourOut]
    edges: list[EdgeOut]


class HopOut(BaseModel):
    """One step of a path with every edge joining its ends."""

    source: NodeOut
    target: NodeOut
    edges: list[EdgeOut]


class PathOut(BaseModel):
    """One shortest path."""

    length: int
    hops: list[HopOut]


class PathsOut(BaseModel):
    """Every shortest path between two entities; empty when they are not connected."""

    source: str
    target: str
    connected: bool
    paths: list[PathOut]


class GroupOut(BaseModel):
    """A community or a component."""

    number: int
    size: int
    edge_count: int
    members: list[NodeOut]


class CentralityOut(BaseModel):
    """How central an entity is."""

    entity: NodeOut
    degree: int
    betweenness: float
    pagerank: float
    approximate: bool = Field(
        description="betweenness counted over paths of at most 4 links (a scope too large for "
        "an exact count)"
    )


def _graph(session: Session, principal: Principal) -> LinkGraph:
    """The link graph as the principal may see it (need-to-know: other areas' sources hidden)."""
    return cached_graph(session, hidden_sources(principal))


def _neighbourhood(graph: LinkGraph, entity_id: str, depth: int) -> service.SubNetwork:
    return service.neighbourhood(graph, [entity_id], depth)


@router.get("/entities/{entity_id}/neighbourhood", responses=NOT_FOUND)
def neighbourhood(
    principal: Reader, session: DbSession, entity_id: str, depth: Depth = 1
) -> NeighbourhoodOut:
    """The entities within `depth` hops and every edge among them, each with its evidence."""
    network = _neighbourhood(_graph(session, principal), entity_id, depth)
    nodes = [
        NeighbourOut.model_validate(
            {"id": n.id, "schema": n.schema, "caption": n.caption, "hops": network.hops[n.id]}
        )
        for n in network.nodes
    ]
    edges = [EdgeOut.of(e) for e in network.edges]
    return NeighbourhoodOut(
        centre=entity_id, depth=depth, truncated=network.truncated, nodes=nodes, edges=edges
    )


@router.get("/path", responses=NOT_FOUND)
def path(principal: Reader, session: DbSession, source: EntityId, target: EntityId) -> PathsOut:
    """Every shortest path between two entities (up to 50), each hop with its evidence."""
    paths = service.shortest_paths(_graph(session, principal), source, target)
    return PathsOut(
        source=source, target=target, connected=bool(paths), paths=[_path(p) for p in paths]
    )


def _path(found: service.LinkPath) -> PathOut:
    hops = [
        HopOut(
            source=NodeOut.of(h.source),
            target=NodeOut.of(h.target),
            edges=[EdgeOut.of(e) for e in h.edges],
        )
        for h in found.hops
    ]
    return PathOut(length=found.length, hops=hops)


def _groups(groups: list[service.Group]) -> list[GroupOut]:
    return [
        GroupOut(
            number=g.number,
            size=g.size,
            edge_count=g.edge_count,
            members=[NodeOut.of(n) for n in g.members],
        )
        for g in groups
    ]


@router.get("/communities")
def communities(
    principal: Reader, session: DbSession, min_size: Annotated[int, Query(ge=1, le=100_000)] = 3
) -> list[GroupOut]:
    """Leiden communities (modularity, fixed seed), largest first."""
    return _groups(service.communities(_graph(session, principal), min_size))


@router.get("/components")
def components(
    principal: Reader, session: DbSession, min_size: Annotated[int, Query(ge=1, le=100_000)] = 2
) -> list[GroupOut]:
    """Connected components, largest first."""
    return _groups(service.components(_graph(session, principal), min_size))


@router.get("/centrality", responses=error_responses(400, 404))
def centrality(
    principal: Reader,
    session: DbSession,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
    entity_id: Annotated[
        str | None, Query(max_length=255, description="only this entity's component")
    ] = None,
    community: Annotated[int | None, Query(ge=1, description="only this community")] = None,
) -> list[CentralityOut]:
    """The most central entities by PageRank, with degree and betweenness."""
    graph = _graph(session, principal)
    scope = _scope(graph, entity_id, community)
    return [
        CentralityOut(
            entity=NodeOut.of(r.node),
            degree=r.degree,
            betweenness=r.betweenness,
            pagerank=r.pagerank,
            approximate=r.approximate,
        )
        for r in service.centrality(graph, scope, top)
    ]


def _scope(graph: LinkGraph, entity_id: str | None, community: int | None) -> list[str] | None:
    if entity_id is not None and community is not None:
        raise ApiError(400, "give entity_id or community, not both")
    if entity_id is not None:
        return service.component_of(graph, entity_id)
    if community is not None:
        return service.community_members(graph, community)
    return None


@router.get(
    "/entities/{entity_id}/export",
    response_class=FtmLinesResponse,
    responses={200: FTM_LINES_BODY, **NOT_FOUND},
)
def export(
    principal: Reader,
    session: DbSession,
    database: Annotated[Database, Depends(get_database)],
    entity_id: str,
    depth: Depth = 2,
) -> FtmLinesResponse:
    """The sub-network around an entity as FtM JSON lines: entities and edge entities (only
    what the caller may see). Recorded in the audit log before the first line is sent."""
    hidden = hidden_sources(principal)
    network = _neighbourhood(cached_graph(session, hidden), entity_id, depth)
    rows = len(export_ids(network))
    resource = f"entity:{entity_id}"
    audit.record_read(session, principal.username, "graph.export", resource, rows, depth=depth)

    def lines() -> Iterator[bytes]:
        with database.session() as stream_session:
            for entity in export_network(stream_session, network, hidden):
                yield (json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n").encode()

    return FtmLinesResponse(lines())
