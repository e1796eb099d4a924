"""The resolve part of the demo world: the same people seen again by other sources, resolved.

The demo network names each person once. Real data does not: an intake form spells a name
differently, a tip gives only a birth year, a case file writes the phone without spaces. So
the demo adds a few such records from two more sources (derived deterministically from the
demo people) and resolves the store's people and organisations into clusters. Running it
again changes nothing: the import is content-hashed and a resolved store is left alone.
"""

from __future__ import annotations

import json
from typing import Any

from followthemoney.util import make_entity_id
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.demo import world
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.resolve import service
from ctip.resolve.store_records import FAMILIES, store_records
from ctip.resolve.tables import ResolveRecordRow

DEMO_ACTOR = "demo"
SOURCES = ("demo-intake", "demo-tips")
SEEN_AGAIN = 8


def _variant(person: dict[str, Any], index: int) -> dict[str, Any]:
    """Another source's record of a demo person: swapped name order, partial date or the like."""
    props = person["properties"]
    first, _, last = props["name"][0].partition(" ")
    source = SOURCES[index % 2]
    values: dict[str, list[str]] = {"firstName": [first], "lastName": [last]}
    values["name"] = [f"{last} {first}" if index % 3 == 0 else f"{first} {last}"]
    birth = props["birthDate"][0]
    values["birthDate"] = [birth[:4] if index % 2 else birth]
    if index % 4 != 1:
        values["phone"] = [props["phone"][0].replace(" ", "")]
    key = f"{source}-seen-again-{index}"
    return {"id": make_entity_id(source, key), "schema": "Person", "properties": values}


def _variants() -> dict[str, bytes]:
    people = [e for e in world.build_world().entities if e["schema"] == "Person"]
    lines: dict[str, list[str]] = {source: [] for source in SOURCES}
    for index, person in enumerate(people[:SEEN_AGAIN]):
        entity = _variant(person, index)
        lines[SOURCES[index % 2]].append(json.dumps(entity, ensure_ascii=False))
    return {source: ("\n".join(rows) + "\n").encode() for source, rows in lines.items()}


def _already_resolved(session: Session) -> bool:
    wanted = {r.id for schemata in FAMILIES.values() for r in store_records(session, schemata)}
    known = set(session.scalars(select(ResolveRecordRow.record_id)))
    return bool(wanted) and wanted <= known


def seed_demo(session: Session) -> str:
    """Add the demo's second sightings and resolve the store; a no-op when already done."""
    for source, data in _variants().items():
        import_ftm_bytes(session, data, f"{source}.ftm.ijson", source, DEMO_ACTOR)
    if _already_resolved(session):
        return "people and organisations already resolved"
    runs = service.resolve_store(session, DEMO_ACTOR)
    records = sum(run.record_count for run in runs)
    merged = len(service.largest_clusters(session, 1000))
    return f"resolved {records} people and organisations; {merged} clusters join several records"
