"""Victims: the identity sealed at rest, the compartment opened only to the assigned
specialist or a recorded break-glass, every read audited with its reason, never the name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text

from ctip.authz.policy import Principal
from ctip.authz.protected import CompartmentClosed
from ctip.model.errors import Conflict, InvalidInput, NotFound
from ctip.model.roles import Role
from ctip.protection import crypto, victims
from ctip.protection.tables import VictimRow
from ctip.protection.victims import Context, Identity
from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from tests.protection.conftest import CLOCK, MARKER, MARKER_BITS, add_marker_victim

MARIA = Principal("maria", Role.VICTIM_SPECIALIST, 1)
TOM = Principal("tom", Role.VICTIM_SPECIALIST, 2)
SAM = Principal("sam", Role.SUPERVISOR, 3)
ADMIN = Principal("root", Role.ADMIN, 4)


def _audit(db: Database) -> list[AuditEvent]:
    with db.session() as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        session.expunge_all()
        return rows


def _no_marker_in_audit(db: Database) -> None:
    for row in _audit(db):
        blob = f"{row.actor} {row.action} {row.resource} {row.detail}"
        assert not any(bit in blob for bit in MARKER_BITS), row.action


def test_a_victim_gets_the_next_pseudonym_of_the_year(protection_db: Database) -> None:
    first = add_marker_victim(protection_db)
    second = add_marker_victim(protection_db)
    assert (first, second) == ("V-2021-0001", "V-2021-0002")


def test_the_name_is_nowhere_in_the_database_file(
    sqlite_protection_db: Database, tmp_path: Path
) -> None:
    add_marker_victim(sqlite_protection_db)
    sqlite_protection_db.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("ctip.sqlite3*"))
    assert raw, "the database file is where the test expects it"
    for bit in MARKER_BITS:
        assert bit.encode() not in raw and bit.encode("utf-16-le") not in raw


def test_the_name_is_not_in_any_postgres_column(protection_db: Database) -> None:
    add_marker_victim(protection_db)
    with protection_db.session() as session:
        row = session.scalar(select(VictimRow))
        assert row is not None
        assert MARKER.encode() not in bytes(row.identity)
        dumped = json.dumps(
            [str(v) for v in session.execute(text("SELECT * FROM protection_victims")).one()]
        )
    assert not any(bit in dumped for bit in MARKER_BITS)
    _no_marker_in_audit(protection_db)


def test_the_assigned_specialist_reads_and_the_read_is_audited_with_its_reason(
    protection_db: Database,
) -> None:
    pseudonym = add_marker_victim(protection_db)
    with protection_db.session() as session:
        row = victims.victim_row(session, pseudonym)
        identity = victims.identity_if_allowed(session, MARIA, row, CLOCK)
    assert identity is not None and identity.names == (MARKER,)
    read = [r for r in _audit(protection_db) if r.action == "protected.read"]
    assert len(read) == 1 and read[0].actor == "maria"
    assert json.loads(read[0].detail)["reason"] == "assigned specialist"
    _no_marker_in_audit(protection_db)


@pytest.mark.parametrize("principal", [TOM, SAM, ADMIN, Principal("ivan", Role.INVESTIGATOR, 5)])
def test_a_plain_read_never_opens_the_compartment_to_anyone_else(
    protection_db: Database, principal: Principal
) -> None:
    pseudonym = add_marker_victim(protection_db)
    with protection_db.session() as session:
        row = victims.victim_row(session, pseudonym)
        assert victims.identity_if_allowed(session, principal, row, CLOCK) is None
        with pytest.raises(CompartmentClosed):
            victims.read_identity(session, principal, row, CLOCK)
    denied = [r for r in _audit(protection_db) if r.action == "protected.read.denied"]
    assert [r.actor for r in denied] == [principal.username]


def test_break_glass_needs_a_written_reason_and_opens_for_the_supervisor_only(
    protection_db: Database,
) -> None:
    pseudonym = add_marker_victim(protection_db)
    with protection_db.session() as session, pytest.raises(InvalidInput):
        victims.open_by_break_glass(session, SAM, pseudonym, "need it", CLOCK)
    with protection_db.session() as session, pytest.raises(InvalidInput, match="name"):
        victims.open_by_break_glass(
            session, SAM, pseudonym, "Marqueteuse is missing from the shelter tonight", CLOCK
        )
    with protection_db.session() as session, pytest.raises(CompartmentClosed):
        victims.open_by_break_glass(
            session, ADMIN, pseudonym, "the admin wants to see it now", CLOCK
        )
    reason = "victim missing from shelter; police need a description"
    with protection_db.session() as session:
        identity = victims.open_by_break_glass(session, SAM, pseudonym, reason, CLOCK)
        assert identity.names == (MARKER,)
    with protection_db.session() as session:
        row = victims.victim_row(session, pseudonym)
        again = victims.identity_if_allowed(session, SAM, row, CLOCK)
        assert again is not None
        view = victims.view_of(session, row, False)
        assert [(o.username, o.reason) for o in view.openings] == [("sam", reason)]
        assert victims.identity_if_allowed(session, ADMIN, row, CLOCK) is None
    reads = [json.loads(r.detail) for r in _audit(protection_db) if r.action == "protected.read"]
    assert reads and all(d["reason"] == f"break-glass: {reason}" for d in reads)
    _no_marker_in_audit(protection_db)


def test_only_an_assigned_specialist_changes_the_identity(protection_db: Database) -> None:
    pseudonym = add_marker_victim(protection_db)
    new = Identity(names=("Another Name",), birth_date="1994-03-02")
    with protection_db.session() as session, pytest.raises(CompartmentClosed):
        victims.change_identity(session, TOM, pseudonym, new, CLOCK)
    with protection_db.session() as session:
        victims.change_identity(session, MARIA, pseudonym, new, CLOCK)
    with protection_db.session() as session:
        row = victims.victim_row(session, pseudonym)
        assert victims.read_identity(session, MARIA, row, CLOCK).names == ("Another Name",)


def test_refusals_name_the_field_never_the_value(protection_db: Database) -> None:
    with protection_db.session() as session, pytest.raises(InvalidInput) as refused:
        victims.add_victim(
            session,
            "t",
            Identity((MARKER,), birth_date=f"{MARKER}"),
            Context(),
            ["maria"],
            clock=CLOCK,
        )
    assert "birth date" in refused.value.message and MARKER not in refused.value.message
    with protection_db.session() as session, pytest.raises(InvalidInput, match="victim specialist"):
        victims.add_victim(session, "t", Identity((MARKER,)), Context(), ["sam"], clock=CLOCK)
    with protection_db.session() as session, pytest.raises(NotFound):
        victims.victim_row(session, "V-1999-0001")


def test_context_takes_htcds_names_and_labels(protection_db: Database) -> None:
    context = Context(
        trafficking_status="possible victim of trafficking",
        exploitation=("Sexual exploitation", "forcedlabour"),
        relationship="familial",
    )
    checked = victims.checked_context(context)
    assert checked.trafficking_status == "PossibleVictimOfTrafficking"
    assert checked.exploitation == ("ForcedLabour", "SexualExploitation")
    assert checked.relationship == "Familial"
    with pytest.raises(InvalidInput, match="vic_TypeOfExploitation"):
        victims.checked_context(Context(exploitation=("kidnapping",)))


def test_a_sealed_identity_opens_only_for_its_pseudonym_and_key() -> None:
    cipher = crypto.cipher_for(b"k" * 40)
    blob = crypto.seal({"names": [MARKER]}, "V-2021-0001", cipher)
    assert crypto.unseal(blob, "V-2021-0001", cipher) == {"names": [MARKER]}
    with pytest.raises(crypto.IdentityUnreadable):
        crypto.unseal(blob, "V-2021-0002", cipher)
    with pytest.raises(crypto.IdentityUnreadable):
        crypto.unseal(blob, "V-2021-0001", crypto.cipher_for(b"j" * 40))


def test_a_pseudonym_taken_concurrently_is_a_conflict_not_a_crash(
    protection_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_marker_victim(protection_db)
    monkeypatch.setattr(victims, "next_pseudonym", lambda _s, year: (f"V-{year}-0001", 1))
    with pytest.raises(Conflict, match="try again"):
        add_marker_victim(protection_db)
