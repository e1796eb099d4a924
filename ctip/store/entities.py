"""Entities assembled from their statements: look-up by name and identifier, links, export."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ctip.matching.normalize import IDENTIFIER_KINDS, identifier_lookup_key, name_tokens
from ctip.model.errors import InvalidInput
from ctip.store.tables import (
    BASE_PROP,
    EntityIdentifier,
    EntityNameToken,
    EntityRef,
    StatementRow,
)

DEFAULT_LIMIT = 25
MAX_LIMIT = 500
EXPORT_BATCH = 2000


@dataclass(frozen=True)
class EntitySummary:
    """Enough to list an entity: id, schema, caption and the sources that state it."""

    id: str
    schema: str
    caption: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Provenance:
    """Where one value came from."""

    prop: str
    value: str
    original_value: str | None
    source: str
    first_seen: str
    last_seen: str


@dataclass
class EntityRecord:
    """An entity with each value's provenance."""

    proxy: EntityProxy
    provenance: list[Provenance] = field(default_factory=list)

    @property
    def summary(self) -> EntitySummary:
        """The entity as a list row."""
        sources = tuple(sorted({p.source for p in self.provenance}))
        return EntitySummary(
            self.proxy.id or "", self.proxy.schema.name, self.proxy.caption, sources
        )


@dataclass(frozen=True)
class EntityLink:
    """One FtM edge touching an entity: through which property, to which other entity."""

    prop: str
    direction: str
    other: EntitySummary
    via: EntitySummary | None = None


def build_proxy(entity_id: str, rows: Sequence[StatementRow]) -> EntityProxy:
    """An FtM entity from its statements (the most specific common schema of all sources)."""
    schema = common_schema(r.schema for r in rows)
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for row in rows:
        if row.prop != BASE_PROP and schema.get(row.prop) is not None:
            proxy.unsafe_add(schema.properties[row.prop], row.value, cleaned=True)
    return proxy


def common_schema(names: Iterable[str]) -> Schema:
    """The most specific schema the sources agree with, taken in the order given.

    A schema that clashes with those before it (or that FtM does not know) is passed over;
    with none left, an entity is a LegalEntity. The entity view and the link graph both
    type an entity this way, so a node and its page never disagree.
    """
    schema: Schema | None = None
    for name in names:
        current = model.get(name)
        if current is None:
            continue
        try:
            schema = current if schema is None else model.common_schema(schema, current)
        except InvalidData:
            continue
    return schema or model["LegalEntity"]


def get_entity(session: Session, entity_id: str) -> EntityRecord | None:
    """One entity with the provenance of every value, or None if no source states it."""
    rows = _statements_of(session, [entity_id]).get(entity_id)
    if not rows:
        return None
    return _record(entity_id, rows)


def _record(entity_id: str, rows: Sequence[StatementRow]) -> EntityRecord:
    provenance = [
        Provenance(r.prop, r.value, r.original_value, r.source, r.first_seen, r.last_seen)
        for r in rows
        if r.prop != BASE_PROP
    ]
    record = EntityRecord(build_proxy(entity_id, rows), provenance)
    if not provenance:  # an entity stated with no properties still names its sources
        record.provenance = [
            Provenance(BASE_PROP, entity_id, None, r.source, r.first_seen, r.last_seen)
            for r in rows
        ]
    return record


def _statements_of(session: Session, ids: Sequence[str]) -> dict[str, list[StatementRow]]:
    grouped: dict[str, list[StatementRow]] = defaultdict(list)
    if not ids:
        return grouped
    query = (
        select(StatementRow)
        .where(StatementRow.entity_id.in_(ids))
        .order_by(StatementRow.entity_id, StatementRow.prop, StatementRow.value)
    )
    for row in session.execute(query).scalars():
        grouped[row.entity_id].append(row)
    return grouped


def summaries(session: Session, ids: Sequence[str]) -> dict[str, EntitySummary]:
    """Summaries of many entities at once, keyed by id (unknown ids are left out)."""
    grouped = _statements_of(session, list(dict.fromkeys(ids)))
    return {entity_id: _record(entity_id, rows).summary for entity_id, rows in grouped.items()}


def _ordered(session: Session, ids: Sequence[str]) -> list[EntitySummary]:
    found = summaries(session, ids)
    return [found[i] for i in ids if i in found]


def clamp_limit(limit: int) -> int:
    """Keep a caller's limit between 1 and MAX_LIMIT."""
    return max(1, min(limit, MAX_LIMIT))


def search_by_name(
    session: Session, query: str, limit: int = DEFAULT_LIMIT, schema: str | None = None
) -> list[EntitySummary]:
    """Entities with a name holding every token of `query`, in any case, accent or script."""
    tokens = name_tokens(query)
    if not tokens:
        return []
    ids_query = (
        select(EntityNameToken.entity_id)
        .where(EntityNameToken.token.in_(tokens))
        .group_by(EntityNameToken.entity_id)
        .having(func.count() == len(tokens))
        .order_by(EntityNameToken.entity_id)
    )
    if schema is not None:
        of_schema = select(StatementRow.entity_id).where(
            StatementRow.prop == BASE_PROP, StatementRow.schema.in_(_schema_matches(schema))
        )
        ids_query = ids_query.where(EntityNameToken.entity_id.in_(of_schema))
    ids = list(session.execute(ids_query.limit(clamp_limit(limit))).scalars())
    return _ordered(session, ids)


def _schema_matches(name: str) -> set[str]:
    """A schema and every schema that is a kind of it (LegalEntity covers Company...)."""
    schema = model.get(name)
    if schema is None:
        raise InvalidInput(f"unknown schema {name!r}")
    return {s.name for s in model.schemata.values() if s.is_a(schema)}


def find_by_identifier(
    session: Session, value: str, kind: str | None = None, limit: int = DEFAULT_LIMIT
) -> list[EntitySummary]:
    """Entities holding an identifier; with no kind, every kind the value could be."""
    if kind is not None and kind not in IDENTIFIER_KINDS:
        raise InvalidInput(f"unknown identifier kind {kind!r}; one of {sorted(IDENTIFIER_KINDS)}")
    kinds = [kind] if kind else sorted(IDENTIFIER_KINDS)
    clauses = []
    for each in kinds:
        key = identifier_lookup_key(each, value)
        if key:
            clauses.append((EntityIdentifier.kind == each) & (EntityIdentifier.key == key))
    if not clauses:
        return []
    query = (
        select(EntityIdentifier.entity_id)
        .where(or_(*clauses))
        .distinct()
        .order_by(EntityIdentifier.entity_id)
        .limit(clamp_limit(limit))
    )
    return _ordered(session, list(session.execute(query).scalars()))


def entity_links(session: Session, entity_id: str) -> list[EntityLink]:
    """Every FtM edge touching an entity, with the entity at the other end.

    An edge entity (Ownership, Payment, Family...) pointing at this entity is followed
    through to its other end, so "owner of" shows the company, with the Ownership as `via`.
    """
    outgoing = session.execute(select(EntityRef).where(EntityRef.from_id == entity_id)).scalars()
    incoming = list(
        session.execute(select(EntityRef).where(EntityRef.to_id == entity_id)).scalars()
    )
    far_ends = _far_ends(session, incoming, entity_id)
    links: list[tuple[str, str, str, str | None]] = [
        (r.prop, "outgoing", r.to_id, None) for r in outgoing
    ]
    for ref in incoming:
        targets = far_ends.get(ref.from_id) or [(ref.prop, ref.from_id)]
        for prop, other in targets:
            via = ref.from_id if other != ref.from_id else None
            links.append((prop if via else ref.prop, "incoming", other, via))
    return _resolve_links(session, links)


def _far_ends(
    session: Session, incoming: list[EntityRef], entity_id: str
) -> dict[str, list[tuple[str, str]]]:
    """For each edge entity among `incoming`, its other edge end(s)."""
    edge_ids = [r.from_id for r in incoming]
    if not edge_ids:
        return {}
    rows = session.execute(
        select(
            StatementRow.entity_id, StatementRow.schema, StatementRow.prop, StatementRow.value
        ).where(StatementRow.entity_id.in_(edge_ids), StatementRow.prop_type == "entity")
    ).all()
    ends: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for from_id, schema_name, prop, value in rows:
        schema = model.get(schema_name)
        if schema is None or not schema.edge or value == entity_id:
            continue
        if prop in (schema.edge_source, schema.edge_target):
            ends[from_id].append((f"{schema.name}.{prop}", value))
    return ends


def _resolve_links(
    session: Session, links: list[tuple[str, str, str, str | None]]
) -> list[EntityLink]:
    ids = [other for _, _, other, _ in links] + [via for *_, via in links if via]
    found = summaries(session, ids)
    resolved = []
    for prop, direction, other, via in links:
        if other in found:
            resolved.append(EntityLink(prop, direction, found[other], found.get(via or "")))
    return sorted(resolved, key=lambda link: (link.prop, link.other.caption))


def export_entities(session: Session, source: str | None = None) -> Iterator[dict[str, Any]]:
    """Every entity (or every entity stated by `source`) as an FtM dict, by id."""
    query = select(StatementRow.entity_id).distinct().order_by(StatementRow.entity_id)
    if source is not None:
        query = query.where(StatementRow.source == source)
    ids = list(session.execute(query).scalars())
    for start in range(0, len(ids), EXPORT_BATCH):
        chunk = ids[start : start + EXPORT_BATCH]
        grouped = _statements_of(session, chunk)
        for entity_id in chunk:
            rows = [r for r in grouped[entity_id] if source is None or r.source == source]
            yield build_proxy(entity_id, rows).to_dict()


def count_entities(session: Session) -> int:
    """How many distinct entities the store holds."""
    query = select(func.count(func.distinct(StatementRow.entity_id)))
    return int(session.execute(query).scalar_one())
