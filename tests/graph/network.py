"""A small hand-made network whose structure can be reasoned about without the code.

- clique A: persons a1..a4, every pair joined by an UnknownLink; a4 lives at `addr`;
- clique B: persons b1..b4, every pair joined by a Family edge;
- two bridges between the cliques: a Payment from a1 to b1, and a phone that a2 and b2
  both hold (written in two formats);
- a star: company `hub` with six directors d1..d6, not connected to the cliques.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.store.db import Database

CLIQUE_A = ["a1", "a2", "a3", "a4"]
CLIQUE_B = ["b1", "b2", "b3", "b4"]
DIRECTORS = [f"d{i}" for i in range(1, 7)]
PAYMENT = "pay-a1-b1"
SHARED_PHONE = "+12025550100"
SOURCE = "planted"


def _entity(entity_id: str, schema: str, **props: list[str]) -> dict[str, Any]:
    return {"id": entity_id, "schema": schema, "properties": props}


def entities() -> list[dict[str, Any]]:
    """The FtM entities of the planted network."""
    people = [_entity(p, "Person", name=[f"Person {p.upper()}"]) for p in CLIQUE_A + CLIQUE_B]
    people[1]["properties"]["phone"] = ["+1 202 555 0100"]
    people[5]["properties"]["phone"] = ["+1 (202) 555-0100"]
    people[3]["properties"]["addressEntity"] = ["addr"]
    found = [*people, _entity("addr", "Address", full=["1 Harbour Road, Baltimore"])]
    for x, y in itertools.combinations(CLIQUE_A, 2):
        found.append(_entity(f"link-{x}-{y}", "UnknownLink", subject=[x], object=[y]))
    for x, y in itertools.combinations(CLIQUE_B, 2):
        found.append(_entity(f"family-{x}-{y}", "Family", person=[x], relative=[y]))
    found.append(
        _entity(
            PAYMENT,
            "Payment",
            payer=["a1"],
            beneficiary=["b1"],
            amount=["9500"],
            currency=["USD"],
            date=["2021-03-04"],
        )
    )
    found.append(_entity("hub", "Company", name=["Hub Logistics LLC"]))
    for d in DIRECTORS:
        found.append(_entity(d, "Person", name=[f"Director {d.upper()}"]))
        found.append(_entity(f"dir-{d}", "Directorship", director=[d], organization=["hub"]))
    return found


def ftm_lines() -> bytes:
    """The planted network as FtM JSON lines."""
    return "".join(json.dumps(e) + "\n" for e in entities()).encode()


def import_network(database: Database) -> None:
    """Load the planted network into a store."""
    with database.session() as session:
        import_ftm_bytes(session, ftm_lines(), "planted.ijson", SOURCE, "test-setup")
