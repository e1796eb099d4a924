"""Every read of a protected field is logged, allowed or not."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ctip.authz.policy import Principal, Resource
from ctip.authz.protected import CompartmentClosed, open_compartment
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import AuditEvent

VICTIM = Resource("victim", "v-17", assigned=frozenset({"maria"}))


def _log(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
        return [(r.actor, r.action, json.loads(r.detail)["fields"][0]) for r in rows]


def test_assigned_specialist_reads_and_is_logged(sqlite_database: Database) -> None:
    maria = Principal("maria", Role.VICTIM_SPECIALIST, 1)
    with sqlite_database.session() as session:
        open_compartment(session, maria, VICTIM, ["name", "birth_date"])
    assert _log(sqlite_database) == [("maria", "protected.read", "birth_date")]


@pytest.mark.parametrize(
    "principal",
    [Principal("tom", Role.VICTIM_SPECIALIST, 2), Principal("maria", Role.INVESTIGATOR, 3)],
)
def test_others_are_refused_and_the_attempt_logged(
    sqlite_database: Database, principal: Principal
) -> None:
    # The refusal is caught inside the transaction, so its audit row commits (as callers must).
    with sqlite_database.session() as session:  # noqa: SIM117
        with pytest.raises(CompartmentClosed):
            open_compartment(session, principal, VICTIM, ["name"])
    assert _log(sqlite_database) == [(principal.username, "protected.read.denied", "name")]
