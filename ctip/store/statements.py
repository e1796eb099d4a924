"""Writing FtM statements and their look-up rows.

A statement's id hashes (source, entity, property, value), so the same fact from the same
source is one row however often it arrives: a second sighting only moves `last_seen`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.statement import Statement
from sqlalchemy import update
from sqlalchemy.orm import Session

from ctip.matching.normalize import identifier_kind_for, identifier_lookup_key, name_tokens
from ctip.store.bulk import (
    batched,
    bulk_write_cache,
    existing_keys,
    insert_ignoring_duplicates,
    insert_rows,
    refresh_statistics,
)
from ctip.store.tables import (
    BASE_PROP,
    EntityIdentifier,
    EntityNameToken,
    EntityRef,
    StatementRow,
)

BATCH_SIZE = 5000
MAX_TOKEN_LENGTH = 100
MAX_KEY_LENGTH = 255
# Names a record only mentions (a payment naming its parties) do not name the record itself.
UNINDEXED_NAME_PROPS = frozenset({"namesMentioned"})
# The tables a write of statements grows: the statements and their look-up rows.
INDEXED_TABLES = (StatementRow, EntityNameToken, EntityIdentifier, EntityRef)

# Names and identifiers repeat across entities (common names, shared phones); their keys are
# pure functions of the value, so each is worked out once per process and size of cache.
KEY_CACHE_SIZE = 1 << 16

Progress = Callable[[int], None]

_name_tokens = lru_cache(maxsize=KEY_CACHE_SIZE)(name_tokens)
_identifier_key = lru_cache(maxsize=KEY_CACHE_SIZE)(identifier_lookup_key)


class StatedValue(Protocol):
    """One cleaned property value as a reader stated it (the reader's own type fits)."""

    @property
    def prop(self) -> Property: ...

    @property
    def value(self) -> str: ...

    @property
    def original_value(self) -> str | None: ...


class StatedEntity(Protocol):
    """An entity as a reader validated it: the store writes it without knowing the reader."""

    @property
    def entity_id(self) -> str: ...

    @property
    def schema(self) -> Schema: ...

    @property
    def values(self) -> Sequence[StatedValue]: ...


@dataclass(frozen=True)
class WriteCounts:
    """How many statements were new and how many were seen again."""

    new: int = 0
    seen_again: int = 0

    def __add__(self, other: WriteCounts) -> WriteCounts:
        return WriteCounts(self.new + other.new, self.seen_again + other.seen_again)


def statement_rows(
    entities: Iterable[StatedEntity], source: str, seen_at: str, import_id: int | None
) -> Iterator[dict[str, Any]]:
    """The statement rows of parsed entities, the base `id` statement first for each."""
    for entity in entities:
        yield _row(entity, BASE_PROP, "id", entity.entity_id, None, source, seen_at, import_id)
        for stated in entity.values:
            yield _row(
                entity,
                stated.prop.name,
                stated.prop.type.name,
                stated.value,
                stated.original_value,
                source,
                seen_at,
                import_id,
            )


def _row(
    entity: StatedEntity,
    prop: str,
    prop_type: str,
    value: str,
    original: str | None,
    source: str,
    seen_at: str,
    import_id: int | None,
) -> dict[str, Any]:
    return {
        "id": Statement.make_key(source, entity.entity_id, prop, value, False),
        "entity_id": entity.entity_id,
        "schema": entity.schema.name,
        "prop": prop,
        "prop_type": prop_type,
        "value": value,
        "original_value": original,
        "lang": None,
        "source": source,
        "first_seen": seen_at,
        "last_seen": seen_at,
        "import_id": import_id,
    }


def write_statements(
    session: Session, rows: Iterable[dict[str, Any]], progress: Progress | None = None
) -> WriteCounts:
    """Insert new statements and refresh `last_seen` of known ones, batch by batch."""
    total = WriteCounts()
    with bulk_write_cache(session):
        for batch in batched(_unique_by_id(rows), BATCH_SIZE):
            total += _write_batch(session, batch)
            if progress is not None:
                progress(len(batch))
    refresh_statistics(session, INDEXED_TABLES, total.new)
    return total


def _unique_by_id(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for row in rows:
        if row["id"] not in seen:
            seen.add(row["id"])
            yield row


def _write_batch(session: Session, batch: list[dict[str, Any]]) -> WriteCounts:
    ids = [row["id"] for row in batch]
    known = existing_keys(session, StatementRow, "id", ids)
    new_rows = [row for row in batch if row["id"] not in known]
    if new_rows:
        insert_rows(session, StatementRow, new_rows)
        _write_lookups(session, new_rows)
    if known:
        session.execute(
            update(StatementRow)
            .where(StatementRow.id.in_(known))
            .values(last_seen=batch[0]["last_seen"])
        )
    return WriteCounts(len(new_rows), len(known))


def _write_lookups(session: Session, rows: list[dict[str, Any]]) -> None:
    tokens, identifiers, refs = [], [], []
    for row in rows:
        tokens.extend(_token_rows(row))
        identifiers.extend(_identifier_rows(row))
        if row["prop_type"] == "entity":
            refs.append({"from_id": row["entity_id"], "prop": row["prop"], "to_id": row["value"]})
    insert_ignoring_duplicates(session, EntityNameToken, _distinct(tokens))
    insert_ignoring_duplicates(session, EntityIdentifier, _distinct(identifiers))
    insert_ignoring_duplicates(session, EntityRef, _distinct(refs))


def _token_rows(row: dict[str, Any]) -> list[dict[str, str]]:
    if row["prop_type"] != "name" or row["prop"] in UNINDEXED_NAME_PROPS:
        return []
    return [
        {"entity_id": row["entity_id"], "token": token[:MAX_TOKEN_LENGTH]}
        for token in _name_tokens(row["value"])
    ]


def _identifier_rows(row: dict[str, Any]) -> list[dict[str, str]]:
    kind = identifier_kind_for(row["prop_type"], row["prop"])
    if kind is None:
        return []
    # FtM already cleaned phones to E.164 on reading; parsing them again only costs time.
    key = row["value"] if kind == "phone" else _identifier_key(kind, row["value"])
    if not key:
        return []
    return [{"entity_id": row["entity_id"], "kind": kind, "key": key[:MAX_KEY_LENGTH]}]


def _distinct(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Drop repeats inside one batch (PostgreSQL refuses them in one ON CONFLICT insert)."""
    return list({tuple(r.values()): r for r in rows}.values())
