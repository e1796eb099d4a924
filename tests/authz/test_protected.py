"""Every read of a protected field is logged, allowed or not."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from ctip.authz.policy import Action, Principal, Resource, can
from ctip.authz.protected import (
    CompartmentClosed,
    break_glass,
    open_as_local_admin,
    open_compartment,
)
from ctip.model.errors import InvalidInput
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


def _actions(db: Database) -> list[tuple[str, str, dict[str, object]]]:
    with db.session() as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
        return [(r.actor, r.action, json.loads(r.detail)) for r in rows]


def test_a_read_records_why_it_was_allowed(sqlite_database: Database) -> None:
    maria = Principal("maria", Role.VICTIM_SPECIALIST, 1)
    with sqlite_database.session() as session:
        open_compartment(session, maria, VICTIM, ["name"])
    assert _actions(sqlite_database)[0][2]["reason"] == "assigned specialist"


def test_break_glass_is_for_supervisors_with_a_written_reason(sqlite_database: Database) -> None:
    sam = Principal("sam", Role.SUPERVISOR, 3)
    root = Principal("root", Role.ADMIN, 4)
    with sqlite_database.session() as session, pytest.raises(InvalidInput):
        break_glass(session, sam, VICTIM, "because")
    with sqlite_database.session() as session:  # noqa: SIM117
        with pytest.raises(CompartmentClosed):
            break_glass(session, root, VICTIM, "the administrator wants to look")
    reason = "missing from the shelter; police need a description"
    with sqlite_database.session() as session:
        assert break_glass(session, sam, VICTIM, reason) == reason
    assert [(a, b, d.get("reason")) for a, b, d in _actions(sqlite_database)] == [
        ("root", "protected.break_glass.denied", "the administrator wants to look"),
        ("sam", "protected.break_glass", reason),
    ]


def test_only_a_recorded_break_glass_opens_to_a_supervisor(sqlite_database: Database) -> None:
    sam = Principal("sam", Role.SUPERVISOR, 3)
    root = Principal("root", Role.ADMIN, 4)
    opened = Resource(
        "victim", "v-17", assigned=frozenset({"maria"}), broken_glass=frozenset({"sam", "root"})
    )
    assert not can(sam, Action.VICTIM_IDENTITY_READ, VICTIM)
    assert can(sam, Action.VICTIM_IDENTITY_READ, opened)
    assert not can(root, Action.VICTIM_IDENTITY_READ, opened)
    with sqlite_database.session() as session:
        open_compartment(session, sam, opened, ["name"], reason="break-glass: missing person")
    assert _actions(sqlite_database)[0][2]["reason"] == "break-glass: missing person"


def test_the_local_administrator_reads_audited(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        open_as_local_admin(session, "cli:root", VICTIM, ["name"])
    actor, action, detail = _actions(sqlite_database)[0]
    assert (actor, action, detail["role"]) == ("cli:root", "protected.read", "local-admin")
