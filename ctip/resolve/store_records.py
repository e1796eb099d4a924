"""People and organisations in the statement store, read as resolver records.

Each FtM entity becomes one record whose id is the entity id, so the clusters are usable by
every area that holds entity ids. A value the resolver cannot read (a phone without a
country code) is left out of the comparison rather than dropping the entity: the store
already accepted it, and the statements themselves stay untouched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.resolve.records import ResolveRecord, birth_date_iso, record_from_row
from ctip.store.tables import StatementRow

PERSON_SCHEMATA = ("Person",)
ORGANISATION_SCHEMATA = ("Company", "Organization", "LegalEntity")
FAMILIES = {"person": PERSON_SCHEMATA, "organisation": ORGANISATION_SCHEMATA}
ID_NUMBER_PROPS = (
    "passportNumber",
    "idNumber",
    "socialSecurityNumber",
    "registrationNumber",
    "taxNumber",
    "innCode",
)
FIELD_PROPS = {
    "name": ("name",),
    "first_name": ("firstName",),
    "last_name": ("lastName",),
    "birth_date": ("birthDate",),
    "address": ("address",),
    "phone": ("phone",),
    "email": ("email",),
    "id_number": ID_NUMBER_PROPS,
}


def _first(values: Mapping[str, list[str]], props: Sequence[str]) -> str | None:
    for prop in props:
        if values.get(prop):
            return sorted(values[prop])[0]
    return None


def _readable(field: str, value: str | None) -> str | None:
    """The value when the resolver can read it on its own, else None."""
    if value is None:
        return None
    probe = {"id": "probe", field: value}
    if field == "birth_date":
        try:
            birth_date_iso(value)
        except ValueError:
            return None
        return value
    try:
        record_from_row(probe, "probe")
    except ValueError:
        return None
    return value


def entity_record(
    entity_id: str, values: Mapping[str, list[str]], sources: set[str]
) -> ResolveRecord:
    """One entity's statements as a record (the first value of each property, sorted)."""
    raw: dict[str, str | None] = {"id": entity_id, "source": ",".join(sorted(sources))[:100]}
    for field, props in FIELD_PROPS.items():
        raw[field] = _readable(field, _first(values, props))
    return record_from_row(raw, "store")


def store_records(session: Session, schemata: Sequence[str]) -> list[ResolveRecord]:
    """Every entity of the given schemata that has a name or an identifier."""
    wanted = {prop for props in FIELD_PROPS.values() for prop in props}
    ids = select(StatementRow.entity_id).where(StatementRow.schema.in_(schemata)).distinct()
    query = (
        select(StatementRow.entity_id, StatementRow.prop, StatementRow.value, StatementRow.source)
        .where(StatementRow.entity_id.in_(ids), StatementRow.prop.in_(wanted))
        .order_by(StatementRow.entity_id)
    )
    return list(_records((r[0], r[1], r[2], r[3]) for r in session.execute(query)))


def _records(rows: Iterator[tuple[str, str, str, str]]) -> Iterator[ResolveRecord]:
    values: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    sources: dict[str, set[str]] = defaultdict(set)
    for entity_id, prop, value, source in rows:
        values[entity_id][prop].append(value)
        sources[entity_id].add(source)
    for entity_id in sorted(values):
        try:
            yield entity_record(entity_id, values[entity_id], sources[entity_id])
        except ValueError:
            continue
