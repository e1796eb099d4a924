"""The audit API: a verification is recorded, checkpointed, and catches a rewound tail."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from ctip.api.app import API_PREFIX
from ctip.authz import audit
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import AuditEvent, AuditHead
from tests.conftest import TokenFor

VERIFY = f"{API_PREFIX}/audit/verify"


def _database(client: TestClient) -> Database:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    return database


def test_verification_is_recorded_as_the_caller(client: TestClient, role_headers: TokenFor) -> None:
    report = client.get(VERIFY, headers=role_headers(Role.SUPERVISOR))
    assert report.status_code == 200 and report.json()["ok"] is True
    with _database(client).session() as session:
        last = audit.last_verification(session)
        checkpoint = audit.latest_checkpoint(session)
    assert last is not None and (last.actor, last.ok, last.full) == ("supervisor", True, True)
    assert checkpoint is not None and checkpoint.seq == report.json()["rows_checked"]


def test_a_cut_tail_is_caught_from_the_checkpoint(
    client: TestClient, role_headers: TokenFor
) -> None:
    admin = role_headers(Role.ADMIN)
    first = client.get(VERIFY, headers=admin).json()
    assert first["ok"] is True
    with _database(client).session() as session:
        kept = session.scalar(select(AuditEvent).where(AuditEvent.seq == 2))
        assert kept is not None
        session.execute(delete(AuditEvent).where(AuditEvent.seq > 2))
        session.execute(update(AuditHead).values(seq=2, hash=kept.hash))
    broken = client.get(VERIFY, params={"full": "false"}, headers=admin).json()
    assert set(broken) == {"ok", "rows_checked", "first_bad_seq", "problem"}
    assert broken["ok"] is False and "cut from the end" in broken["problem"]


def test_only_oversight_may_verify(client: TestClient, role_headers: TokenFor) -> None:
    assert client.get(VERIFY, headers=role_headers(Role.INVESTIGATOR)).status_code == 403
