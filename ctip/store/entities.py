"""Entities assembled from their statements: look-up by name and identifier, links, export.

Every read takes `hidden`, the sources whose statements the reader may not see (need-to-know,
`ctip.authz.need_to_know`): their statements are left out, so an entity stated only by them
is not found at all, and a name or identifier only they state finds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from followthemoney import EntityProxy, model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ctip.matching.normalize import (
    IDENTIFIER_KINDS,
    identifier_kind_for,
    identifier_lookup_key,
    name_tokens,
)
from ctip.model.errors import InvalidInput
from ctip.store.bulk import batched
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
LOOKUP_BATCH = 500
"""Keys or ids bound in one statement of a batched look-up (SQLite bounds a statement's
parameters)."""
NOTHING_HIDDEN: frozenset[str] = frozenset()
Hidden = Collection[str]
"""Sources whose statements a reader may not see."""


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


def get_entity(
    session: Session, entity_id: str, hidden: Hidden = NOTHING_HIDDEN
) -> EntityRecord | None:
    """One entity with the provenance of every value, or None if no visible source states it."""
    rows = _statements_of(session, [entity_id], hidden).get(entity_id)
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


def _visible(hidden: Hidden) -> Any:
    """The condition a statement the reader may see meets."""
    return (
        StatementRow.source.not_in(sorted(hidden)) if hidden else StatementRow.source.is_not(None)
    )


def visible_ids(hidden: Hidden) -> Any:
    """A subquery of the ids of entities with at least one statement the reader may see."""
    return select(StatementRow.entity_id).where(_visible(hidden))


def _statements_of(
    session: Session, ids: Sequence[str], hidden: Hidden = NOTHING_HIDDEN
) -> dict[str, list[StatementRow]]:
    grouped: dict[str, list[StatementRow]] = defaultdict(list)
    if not ids:
        return grouped
    query = (
        select(StatementRow)
        .where(StatementRow.entity_id.in_(ids))
        .order_by(StatementRow.entity_id, StatementRow.prop, StatementRow.value)
    )
    if hidden:
        query = query.where(_visible(hidden))
    for row in session.execute(query).scalars():
        grouped[row.entity_id].append(row)
    return grouped


def summaries(
    session: Session, ids: Sequence[str], hidden: Hidden = NOTHING_HIDDEN
) -> dict[str, EntitySummary]:
    """Summaries of many entities at once, keyed by id (unknown or unseen ids are left out)."""
    grouped = _statements_of(session, list(dict.fromkeys(ids)), hidden)
    return {entity_id: _record(entity_id, rows).summary for entity_id, rows in grouped.items()}


def _ordered(
    session: Session, ids: Sequence[str], hidden: Hidden = NOTHING_HIDDEN
) -> list[EntitySummary]:
    found = summaries(session, ids, hidden)
    return [found[i] for i in ids if i in found]


def clamp_limit(limit: int) -> int:
    """Keep a caller's limit between 1 and MAX_LIMIT."""
    return max(1, min(limit, MAX_LIMIT))


def search_by_name(
    session: Session,
    query: str,
    limit: int = DEFAULT_LIMIT,
    schema: str | None = None,
    hidden: Hidden = NOTHING_HIDDEN,
) -> list[EntitySummary]:
    """Entities with a name holding every token of `query`, in any case, accent or script
    (a name only hidden sources state does not count)."""
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
    if hidden:
        ids_query = ids_query.where(EntityNameToken.entity_id.in_(visible_ids(hidden)))
    ids = list(session.execute(ids_query.limit(clamp_limit(limit))).scalars())
    if not hidden:
        return _ordered(session, ids)
    grouped = _statements_of(session, ids, hidden)
    named = _named_visibly(ids, grouped, set(tokens))
    return [_record(entity_id, grouped[entity_id]).summary for entity_id in named]


def _named_visibly(
    ids: list[str], grouped: dict[str, list[StatementRow]], tokens: set[str]
) -> list[str]:
    """The ids whose visible names hold every token (the token index does not know sources)."""
    held: dict[str, set[str]] = defaultdict(set)
    for entity_id, rows in grouped.items():
        for row in rows:
            if row.prop_type == "name":
                held[entity_id].update(name_tokens(row.value))
    return [entity_id for entity_id in ids if tokens <= held[entity_id]]


def _schema_matches(name: str) -> set[str]:
    """A schema and every schema that is a kind of it (LegalEntity covers Company...)."""
    schema = model.get(name)
    if schema is None:
        raise InvalidInput(f"unknown schema {name!r}")
    return {s.name for s in model.schemata.values() if s.is_a(schema)}


def find_by_identifier(
    session: Session,
    value: str,
    kind: str | None = None,
    limit: int = DEFAULT_LIMIT,
    hidden: Hidden = NOTHING_HIDDEN,
) -> list[EntitySummary]:
    """Entities holding an identifier; with no kind, every kind the value could be (an
    identifier only hidden sources state finds nothing)."""
    if kind is not None and kind not in IDENTIFIER_KINDS:
        raise InvalidInput(f"unknown identifier kind {kind!r}; one of {sorted(IDENTIFIER_KINDS)}")
    kinds = [kind] if kind else sorted(IDENTIFIER_KINDS)
    keys = {(each, key) for each in kinds if (key := identifier_lookup_key(each, value))}
    if not keys:
        return []
    clauses = [(EntityIdentifier.kind == k) & (EntityIdentifier.key == v) for k, v in keys]
    query = (
        select(EntityIdentifier.entity_id)
        .where(or_(*clauses))
        .distinct()
        .order_by(EntityIdentifier.entity_id)
        .limit(clamp_limit(limit))
    )
    if hidden:
        query = query.where(EntityIdentifier.entity_id.in_(visible_ids(hidden)))
    ids = list(session.execute(query).scalars())
    if hidden:
        ids = _holding_visibly(session, ids, keys, hidden)
    return _ordered(session, ids, hidden)


def find_by_identifiers(
    session: Session,
    wanted: Iterable[tuple[str, str]],
    limit: int = DEFAULT_LIMIT,
    hidden: Hidden = NOTHING_HIDDEN,
) -> dict[tuple[str, str], list[EntitySummary]]:
    """For each (kind, value) in `wanted`, what `find_by_identifier(session, value, kind,
    limit, hidden)` answers, in a few set-based queries: a finance scan looks up the phone
    and e-mail of every account holder (40,000 values), which one by one cost two queries
    each."""
    pairs = list(dict.fromkeys(wanted))
    if unknown := sorted({kind for kind, _ in pairs} - IDENTIFIER_KINDS):
        raise InvalidInput(
            f"unknown identifier kind(s) {unknown}; one of {sorted(IDENTIFIER_KINDS)}"
        )
    keyed = {(k, v): (k, key) for k, v in pairs if (key := identifier_lookup_key(k, v))}
    first = {
        key: ids[: clamp_limit(limit)]
        for key, ids in _holders_of(session, set(keyed.values()), hidden).items()
    }
    grouped: dict[str, list[StatementRow]] = {}
    for id_batch in batched(sorted({i for ids in first.values() for i in ids}), LOOKUP_BATCH):
        grouped |= _statements_of(session, id_batch, hidden)
    found = {entity_id: _record(entity_id, rows).summary for entity_id, rows in grouped.items()}
    held = {entity_id: _keys_held(rows) for entity_id, rows in grouped.items()}

    def answer(pair: tuple[str, str]) -> list[EntitySummary]:
        key = keyed.get(pair)
        ids = first.get(key, []) if key else []
        return [found[i] for i in ids if i in found and (not hidden or key in held[i])]

    return {pair: answer(pair) for pair in pairs}


def _holders_of(
    session: Session, keys: set[tuple[str, str]], hidden: Hidden
) -> dict[tuple[str, str], list[str]]:
    """The ids of the entities holding each (kind, key), in id order; with `hidden`, only
    those with a statement the reader may see (checked per holder through the statements'
    entity index: SQLite rebuilt the list of every visible id for each query otherwise)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in sorted(keys):
        by_kind[kind].append(key)
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, kind_keys in by_kind.items():
        for key_batch in batched(kind_keys, LOOKUP_BATCH):
            query = (
                select(EntityIdentifier.key, EntityIdentifier.entity_id)
                .where(EntityIdentifier.kind == kind, EntityIdentifier.key.in_(key_batch))
                .order_by(EntityIdentifier.key, EntityIdentifier.entity_id)
            )
            if hidden:
                seen = select(StatementRow.entity_id).where(
                    StatementRow.entity_id == EntityIdentifier.entity_id, _visible(hidden)
                )
                query = query.where(seen.exists())
            for key, entity_id in session.execute(query):
                holders[(kind, key)].append(entity_id)
    return holders


def _keys_held(rows: Iterable[StatementRow]) -> set[tuple[str, str | None]]:
    """The (kind, look-up key) of every identifier the statements state."""
    return {
        (kind, identifier_lookup_key(kind, row.value))
        for row in rows
        if (kind := identifier_kind_for(row.prop_type, row.prop)) is not None
    }


def _holding_visibly(
    session: Session, ids: list[str], keys: set[tuple[str, str]], hidden: Hidden
) -> list[str]:
    """The ids that hold one of `keys` in a visible statement (the identifier index does not
    know sources)."""
    holding = {
        entity_id
        for entity_id, rows in _statements_of(session, ids, hidden).items()
        if _keys_held(rows) & keys
    }
    return [entity_id for entity_id in ids if entity_id in holding]


def entity_links(
    session: Session, entity_id: str, hidden: Hidden = NOTHING_HIDDEN
) -> list[EntityLink]:
    """Every FtM edge touching an entity, with the entity at the other end.

    An edge entity (Ownership, Payment, Family...) pointing at this entity is followed
    through to its other end, so "owner of" shows the company, with the Ownership as `via`.
    A link stated only by hidden sources, or to an entity the reader may not see, is left out.
    """
    outgoing = list(
        session.execute(select(EntityRef).where(EntityRef.from_id == entity_id)).scalars()
    )
    incoming = list(
        session.execute(select(EntityRef).where(EntityRef.to_id == entity_id)).scalars()
    )
    if hidden:
        outgoing = _stated_visibly(session, outgoing, hidden)
        incoming = _stated_visibly(session, incoming, hidden)
    far_ends = _far_ends(session, incoming, entity_id, hidden)
    links: list[tuple[str, str, str, str | None]] = [
        (r.prop, "outgoing", r.to_id, None) for r in outgoing
    ]
    for ref in incoming:
        targets = far_ends.get(ref.from_id) or [(ref.prop, ref.from_id)]
        for prop, other in targets:
            via = ref.from_id if other != ref.from_id else None
            links.append((prop if via else ref.prop, "incoming", other, via))
    return _resolve_links(session, links, hidden)


def _stated_visibly(session: Session, refs: list[EntityRef], hidden: Hidden) -> list[EntityRef]:
    """The references a visible statement makes (the reference index does not know sources)."""
    if not refs:
        return refs
    query = select(StatementRow.entity_id, StatementRow.prop, StatementRow.value).where(
        StatementRow.entity_id.in_({r.from_id for r in refs}),
        StatementRow.prop_type == "entity",
        _visible(hidden),
    )
    stated = set(session.execute(query).tuples())
    return [r for r in refs if (r.from_id, r.prop, r.to_id) in stated]


def _far_ends(
    session: Session, incoming: list[EntityRef], entity_id: str, hidden: Hidden
) -> dict[str, list[tuple[str, str]]]:
    """For each edge entity among `incoming`, its other edge end(s)."""
    edge_ids = [r.from_id for r in incoming]
    if not edge_ids:
        return {}
    rows = session.execute(
        select(
            StatementRow.entity_id, StatementRow.schema, StatementRow.prop, StatementRow.value
        ).where(
            StatementRow.entity_id.in_(edge_ids),
            StatementRow.prop_type == "entity",
            _visible(hidden),
        )
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
    session: Session, links: list[tuple[str, str, str, str | None]], hidden: Hidden
) -> list[EntityLink]:
    ids = [other for _, _, other, _ in links] + [via for *_, via in links if via]
    found = summaries(session, ids, hidden)
    resolved = []
    for prop, direction, other, via in links:
        if other in found:
            resolved.append(EntityLink(prop, direction, found[other], found.get(via or "")))
    return sorted(resolved, key=lambda link: (link.prop, link.other.caption))


def export_ids(
    session: Session, source: str | None = None, hidden: Hidden = NOTHING_HIDDEN
) -> list[str]:
    """The ids an export writes, in order: every entity with a visible statement (of
    `source` when given)."""
    query = select(StatementRow.entity_id).distinct().order_by(StatementRow.entity_id)
    if source is not None:
        query = query.where(StatementRow.source == source)
    if hidden:
        query = query.where(_visible(hidden))
    return list(session.execute(query).scalars())


def export_entities(
    session: Session,
    source: str | None = None,
    hidden: Hidden = NOTHING_HIDDEN,
    ids: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every entity (or every entity stated by `source`) as an FtM dict, by id; `ids` when
    the caller already listed them (to count and audit the export first)."""
    ids = export_ids(session, source, hidden) if ids is None else ids
    for start in range(0, len(ids), EXPORT_BATCH):
        chunk = ids[start : start + EXPORT_BATCH]
        grouped = _statements_of(session, chunk, hidden)
        for entity_id in chunk:
            rows = [r for r in grouped[entity_id] if source is None or r.source == source]
            yield build_proxy(entity_id, rows).to_dict()


def count_entities(session: Session) -> int:
    """How many distinct entities the store holds."""
    query = select(func.count(func.distinct(StatementRow.entity_id)))
    return int(session.execute(query).scalar_one())
