"""The link graph over every entity in the statement store.

Three kinds of edge join two entities, each carrying the evidence a person needs to trust it:

- an FtM edge entity (Payment, Ownership, Directorship, Family, Associate, Employment,
  UnknownLink...) joins its source and target; the edge entity's id is the edge's id;
- any other entity-typed property (a person's address entity, an account's owner) joins
  the entity holding it to the entity it names;
- two entities holding the same normalised identifier (E.164 phone, e-mail, account number,
  registration) "share an identifier"; the identifier is the evidence.

The graph is built from the store on demand and kept per process while the store is unchanged
(see `cached_graph`): investigators ask many questions of the same data in a row.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import igraph as ig
from followthemoney import model
from followthemoney.schema import Schema
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.matching.normalize import identifier_kind_for, identifier_lookup_key
from ctip.store.entities import NOTHING_HIDDEN, Hidden, common_schema
from ctip.store.tables import BASE_PROP, EntityIdentifier, StatementRow

SHARED_IDENTIFIER = "sharesIdentifier"
PROPERTY_EDGE = "property"
MAX_SHARED_GROUP = 50
"""An identifier held by more entities than this (a hotline, a bank's switchboard) is too
common to be evidence of a link; it is reported in `common_identifiers`, not drawn."""


@dataclass(frozen=True)
class Node:
    """An entity as a vertex: id, schema and caption."""

    id: str
    schema: str
    caption: str


@dataclass(frozen=True)
class Edge:
    """One link between two entities and why it exists.

    `kind` is the FtM edge schema (Payment...), `property` for a plain entity property, or
    `sharesIdentifier`. `via` is the edge entity's id; `evidence` names the property or
    identifier; `sources` are the sources stating it.
    """

    source: str
    target: str
    kind: str
    label: str
    via: str | None
    evidence: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable id: the edge entity's, else the ends, kind and evidence."""
        if self.via is not None:
            return self.via
        detail = ";".join(f"{k}={v}" for k, v in self.evidence)
        return f"{self.source}>{self.target}:{self.kind}:{detail}"


@dataclass
class LinkGraph:
    """Nodes, edges and the igraph twin used by the algorithms (undirected, simple).

    Parallel edges between two entities (three payments) are one igraph edge with a weight
    of three; the evidence of every one of them stays in `between`.
    """

    nodes: dict[str, Node]
    edges: list[Edge]
    ids: list[str]
    index: dict[str, int]
    graph: ig.Graph
    between: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    common_identifiers: list[tuple[str, str, int]] = field(default_factory=list)
    dangling: int = 0
    memo: dict[tuple[object, ...], object] = field(default_factory=dict)
    """Answers already computed on this graph (communities, centrality), kept with it."""

    def edges_between(self, a: str, b: str) -> list[Edge]:
        """Every edge joining two entities, in either direction."""
        return [self.edges[i] for i in self.between.get(pair(a, b), [])]

    def edge_ends(self, edge_entity_id: str) -> tuple[str, str] | None:
        """The two ends of an edge entity (a payment's payer and beneficiary), if it is one."""
        for edge in self.edges:
            if edge.via == edge_entity_id:
                return (edge.source, edge.target)
        return None

    def neighbour_ids(self, entity_id: str) -> list[str]:
        """The entities one hop away."""
        return [self.ids[i] for i in self.graph.neighbors(self.index[entity_id])]


def pair(a: str, b: str) -> tuple[str, str]:
    """An unordered pair as a key."""
    return (a, b) if a <= b else (b, a)


@dataclass
class _EntityRows:
    """What the builder reads of one entity: its schemata, values and sources."""

    schemata: set[str] = field(default_factory=set)
    values: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(prop, prop_type, value, source)"""


def build_graph(session: Session, hidden: Hidden = NOTHING_HIDDEN) -> LinkGraph:
    """Read every statement and identifier and assemble the link graph.

    With `hidden` sources (need-to-know), their statements are not read: an entity only they
    state is no node, an edge only they state is not drawn, and an identifier only they state
    joins nothing.
    """
    entities = _read_entities(session, hidden)
    nodes: dict[str, Node] = {}
    raw_edges: list[Edge] = []
    for entity_id, rows in entities.items():
        schema = common_schema(sorted(rows.schemata))  # sorted: the same graph every run
        if schema.edge:
            raw_edges.extend(_edge_entity_edges(entity_id, schema, rows))
        else:
            nodes[entity_id] = Node(entity_id, schema.name, _caption(entity_id, schema, rows))
            raw_edges.extend(_property_edges(entity_id, schema, rows))
    if hidden:
        holders = _visible_identifier_holders(entities, nodes)
    else:
        holders = _identifier_holders(session, nodes)
    shared, common = _shared_identifier_edges(holders)
    return _assemble(nodes, raw_edges + shared, common)


def _read_entities(session: Session, hidden: Hidden) -> dict[str, _EntityRows]:
    """Statements grouped by entity (only the columns the graph needs)."""
    query = select(
        StatementRow.entity_id,
        StatementRow.schema,
        StatementRow.prop,
        StatementRow.prop_type,
        StatementRow.value,
        StatementRow.source,
    ).order_by(StatementRow.entity_id, StatementRow.prop, StatementRow.value)
    if hidden:
        query = query.where(StatementRow.source.not_in(sorted(hidden)))
    grouped: dict[str, _EntityRows] = defaultdict(_EntityRows)
    for entity_id, schema, prop, prop_type, value, source in session.execute(query):
        rows = grouped[entity_id]
        rows.schemata.add(schema)
        if prop != BASE_PROP:
            rows.values.append((prop, prop_type, value, source))
    return grouped


def _caption(entity_id: str, schema: Schema, rows: _EntityRows) -> str:
    """FtM's caption for the entity (its name, or a schema-specific fallback)."""
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, _, value, _ in rows.values:
        spec = schema.get(prop)
        if spec is not None:
            proxy.unsafe_add(spec, value, cleaned=True)
    return str(proxy.caption)


def _edge_entity_edges(entity_id: str, schema: Schema, rows: _EntityRows) -> list[Edge]:
    """An edge entity joins each of its sources to each of its targets."""
    ends: dict[str, list[str]] = defaultdict(list)
    sources: set[str] = set()
    for prop, _, value, source in rows.values:
        sources.add(source)
        if prop in (schema.edge_source, schema.edge_target):
            ends[prop].append(value)
    label = schema.edge_label or schema.label
    evidence = _edge_evidence(schema, rows)
    return [
        Edge(s, t, schema.name, label, entity_id, evidence, tuple(sorted(sources)))
        for s in sorted(set(ends[schema.edge_source or ""]))
        for t in sorted(set(ends[schema.edge_target or ""]))
        if s != t
    ]


EDGE_FACTS = ("date", "startDate", "endDate", "amount", "amountEur", "currency", "purpose")
"""The properties of an edge entity shown as its evidence (when, how much, why)."""


def _edge_evidence(schema: Schema, rows: _EntityRows) -> tuple[tuple[str, str], ...]:
    """The edge entity's schema and its dated, amounted, described facts."""
    facts = [(prop, value) for prop, _, value, _ in rows.values if prop in EDGE_FACTS]
    facts += [(prop, value) for prop, _, value, _ in rows.values if _is_relationship(prop)]
    return (("schema", schema.name), *sorted(set(facts)))


def _is_relationship(prop: str) -> bool:
    """Family.relationship, Associate.relationship, Employment.role and the like."""
    return prop in ("relationship", "role", "summary")


def _property_edges(entity_id: str, schema: Schema, rows: _EntityRows) -> list[Edge]:
    """An entity-typed property joins this entity to the one it names."""
    sources: dict[tuple[str, str], set[str]] = defaultdict(set)
    for prop, prop_type, value, source in rows.values:
        if prop_type == "entity" and value != entity_id:
            sources[(prop, value)].add(source)
    return [
        Edge(
            entity_id,
            target,
            PROPERTY_EDGE,
            _prop_label(schema, prop),
            None,
            (("property", f"{schema.name}.{prop}"),),
            tuple(sorted(found)),
        )
        for (prop, target), found in sorted(sources.items())
    ]


def _prop_label(schema: Schema, prop: str) -> str:
    spec = schema.get(prop)
    return spec.label if spec is not None else prop


Holders = dict[tuple[str, str], list[str]]
"""(identifier kind, normalised key) -> the node ids holding it."""


def _identifier_holders(session: Session, nodes: dict[str, Node]) -> Holders:
    """Who holds each identifier, from the identifier index (every source)."""
    holders: Holders = defaultdict(list)
    query = select(EntityIdentifier.kind, EntityIdentifier.key, EntityIdentifier.entity_id)
    for kind, key, entity_id in session.execute(query.order_by(EntityIdentifier.entity_id)):
        if entity_id in nodes:
            holders[(kind, key)].append(entity_id)
    return holders


def _visible_identifier_holders(
    entities: dict[str, _EntityRows], nodes: dict[str, Node]
) -> Holders:
    """Who holds each identifier in the statements read (the index does not know sources),
    keyed as the index keys them."""
    holders: Holders = defaultdict(list)
    for entity_id in sorted(nodes):
        keys = set()
        for prop, prop_type, value, _ in entities[entity_id].values:
            kind = identifier_kind_for(prop_type, prop)
            key = identifier_lookup_key(kind, value) if kind is not None else None
            if kind is not None and key:
                keys.add((kind, key))
        for found in keys:
            holders[found].append(entity_id)
    return holders


def _shared_identifier_edges(holders: Holders) -> tuple[list[Edge], list[tuple[str, str, int]]]:
    """Entities holding the same identifier, pairwise; very common identifiers set aside."""
    edges: list[Edge] = []
    common: list[tuple[str, str, int]] = []
    for (kind, key), ids in sorted(holders.items()):
        if len(ids) > MAX_SHARED_GROUP:
            common.append((kind, key, len(ids)))
            continue
        edges.extend(_identifier_pairs(kind, key, sorted(set(ids))))
    return edges, common


def _identifier_pairs(kind: str, key: str, ids: list[str]) -> list[Edge]:
    label = f"shares {kind}"
    evidence = (("identifier", kind), ("value", key))
    return [
        Edge(a, b, SHARED_IDENTIFIER, label, None, evidence, ())
        for i, a in enumerate(ids)
        for b in ids[i + 1 :]
    ]


def _assemble(
    nodes: dict[str, Node], raw_edges: list[Edge], common: list[tuple[str, str, int]]
) -> LinkGraph:
    """Keep edges whose both ends are stated entities; build the igraph twin."""
    ids = sorted(nodes)
    index = {entity_id: i for i, entity_id in enumerate(ids)}
    edges = sorted(
        (e for e in raw_edges if e.source in index and e.target in index),
        key=lambda e: (e.source, e.target, e.kind, e.key),
    )
    between: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, edge in enumerate(edges):
        between[pair(edge.source, edge.target)].append(i)
    pairs = sorted(between)
    graph = ig.Graph(n=len(ids), edges=[(index[a], index[b]) for a, b in pairs])
    graph.es["weight"] = [len(between[p]) for p in pairs]
    graph.vs["name"] = ids
    return LinkGraph(
        nodes, edges, ids, index, graph, dict(between), common, len(raw_edges) - len(edges)
    )


_cache: dict[tuple[str, frozenset[str]], tuple[tuple[object, ...], LinkGraph]] = {}
_cache_lock = threading.Lock()


def store_fingerprint(session: Session) -> tuple[object, ...]:
    """What changes whenever statements or identifiers change (count and latest sighting)."""
    statements = session.execute(
        select(func.count(), func.max(StatementRow.last_seen)).select_from(StatementRow)
    ).one()
    identifiers = session.execute(select(func.count()).select_from(EntityIdentifier)).scalar()
    return (statements[0], statements[1], identifiers)


def cached_graph(session: Session, hidden: Hidden = NOTHING_HIDDEN) -> LinkGraph:
    """The graph of this session's store as readers who may not see `hidden` sources see
    it, rebuilt only when the store has changed (one graph per set of hidden sources)."""
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    key = (url, frozenset(hidden))
    fingerprint = store_fingerprint(session)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] == fingerprint:
            return hit[1]
    graph = build_graph(session, key[1])
    with _cache_lock:
        _cache[key] = (fingerprint, graph)
    return graph
