"""The protection API: roles, the compartment over HTTP (a refusal audited and kept), 8 U.S.C.
1367 records withheld from investigators, relief steps and the deadlines queue."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select

from ctip.authz import users
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from tests.conftest import TEST_PASSWORD, TokenFor
from tests.protection.conftest import MARKER, MARKER_BITS

SPECIALIST = "victim-specialist"
NEW_VICTIM = {
    "names": [MARKER],
    "birth_date": "1994-03-02",
    "assign": [SPECIALIST],
    "cases": ["HSI-2021-00042"],
    "identified_on": "2021-03-04",
    "exploitation": ["ForcedLabour"],
    "control": ["Debt bondage"],
}


def _add(client: TestClient, role_headers: TokenFor) -> str:
    response = client.post(
        "/api/v1/protection/victims", json=NEW_VICTIM, headers=role_headers(Role.VICTIM_SPECIALIST)
    )
    assert response.status_code == 201, response.text
    assert not any(bit in response.text for bit in MARKER_BITS)
    return str(response.json()["pseudonym"])


def test_who_may_record_and_list_victims(client: TestClient, role_headers: TokenFor) -> None:
    victim = _add(client, role_headers)
    for role in (Role.INVESTIGATOR, Role.TRADE_ANALYST, Role.OUTREACH):
        refused = client.post(
            "/api/v1/protection/victims", json=NEW_VICTIM, headers=role_headers(role)
        )
        assert refused.status_code == 403
    assert client.get("/api/v1/protection/victims").status_code == 401
    for role, status in (
        (Role.INVESTIGATOR, 200),
        (Role.ADMIN, 200),
        (Role.INTEL_ANALYST, 403),
        (Role.FRONTLINE_OFFICER, 403),
    ):
        assert (
            client.get("/api/v1/protection/victims", headers=role_headers(role)).status_code
            == status
        )
    listed = client.get(
        "/api/v1/protection/victims?case=HSI-2021-00042", headers=role_headers(Role.INVESTIGATOR)
    ).json()
    assert [v["pseudonym"] for v in listed["victims"]] == [victim]


def test_the_identity_route_refuses_others_and_keeps_the_record_of_the_attempt(
    client: TestClient, role_headers: TokenFor
) -> None:
    victim = _add(client, role_headers)
    own = client.get(
        f"/api/v1/protection/victims/{victim}/identity",
        headers=role_headers(Role.VICTIM_SPECIALIST),
    )
    assert own.status_code == 200 and own.json()["names"] == [MARKER]
    refused = client.get(
        f"/api/v1/protection/victims/{victim}/identity", headers=role_headers(Role.SUPERVISOR)
    )
    assert refused.status_code == 403 and MARKER not in refused.text
    plain = client.get(
        f"/api/v1/protection/victims/{victim}", headers=role_headers(Role.SUPERVISOR)
    )
    assert plain.status_code == 200 and plain.json()["identity"] is None
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.detail).where(
                AuditEvent.action.like("protected.%")
            )
        ).all()
    assert [(a, b) for a, b, _ in rows] == [
        (SPECIALIST, "protected.read"),
        ("supervisor", "protected.read.denied"),
    ]
    assert all(not any(bit in d for bit in MARKER_BITS) for _, _, d in rows)


def test_bad_input_is_a_4xx_that_never_echoes_the_name(
    client: TestClient, role_headers: TokenFor
) -> None:
    headers = role_headers(Role.VICTIM_SPECIALIST)
    for body in (
        NEW_VICTIM | {"birth_date": MARKER[:10]},
        NEW_VICTIM | {"names": [MARKER * 20]},
        NEW_VICTIM | {"exploitation": ["kidnapping"]},
        NEW_VICTIM | {"assign": ["nobody"]},
    ):
        response = client.post("/api/v1/protection/victims", json=body, headers=headers)
        assert 400 <= response.status_code < 500 and not any(
            b in response.text for b in MARKER_BITS
        )
    assert client.get("/api/v1/protection/victims/V-1999-0001", headers=headers).status_code == 404


def test_t_visa_records_are_withheld_from_investigators(
    client: TestClient, role_headers: TokenFor
) -> None:
    victim = _add(client, role_headers)
    specialist, investigator = role_headers(Role.VICTIM_SPECIALIST), role_headers(Role.INVESTIGATOR)
    t = client.post(
        "/api/v1/protection/relief",
        json={"victim": victim, "kind": "t-visa", "on": "2021-04-01"},
        headers=specialist,
    )
    assert t.status_code == 201
    cp = client.post(
        "/api/v1/protection/relief",
        json={
            "victim": victim,
            "kind": "continued-presence",
            "on": "2021-04-01",
            "agency": "HSI Houston",
        },
        headers=investigator,
    )
    assert cp.status_code == 201
    refused = client.post(
        "/api/v1/protection/relief", json={"victim": victim, "kind": "u-visa"}, headers=investigator
    )
    assert refused.status_code == 403
    seen = client.get(f"/api/v1/protection/victims/{victim}", headers=investigator).json()
    assert [r["id"] for r in seen["relief"]] == [cp.json()["relief"]]
    assert "1367" in seen["relief_withheld"] and seen["protected_1367"] is True
    assert (
        client.get(
            f"/api/v1/protection/relief/{t.json()['relief']}", headers=investigator
        ).status_code
        == 403
    )
    step = client.post(
        f"/api/v1/protection/relief/{t.json()['relief']}/steps",
        json={"step": "filed", "on": "2021-05-01", "receipt": "EAC2190012345"},
        headers=specialist,
    )
    assert step.status_code == 200 and step.json()["status"] == "filed"
    decided = client.post(
        f"/api/v1/protection/relief/{cp.json()['relief']}/decision",
        json={"granted": True, "on": "2021-05-01"},
        headers=investigator,
    )
    assert decided.status_code == 403
    decided = client.post(
        f"/api/v1/protection/relief/{cp.json()['relief']}/decision",
        json={"granted": True, "on": "2021-05-01"},
        headers=role_headers(Role.SUPERVISOR),
    )
    assert decided.status_code == 200 and decided.json()["status"] == "granted"
    queue = client.get("/api/v1/protection/deadlines", headers=specialist).json()
    assert {d["deadline"] for d in queue} == {
        "continued_presence_expiry",
        "continued_presence_renewal_window",
    }
    assert all(d["overdue"] for d in queue)
    export = client.get("/api/v1/protection/export.csv", headers=specialist)
    assert export.status_code == 200 and victim in export.text and MARKER not in export.text
    assert export.headers["content-type"].startswith("text/csv")
    logged = client.get("/api/v1/audit/events", headers=role_headers(Role.ADMIN)).json()
    exports = [e for e in logged if e["action"] == "protection.export"]
    assert exports and exports[0]["resource"] == "protection:victims"
    assert json.dumps(queue).count(victim) == 2


def test_investigators_see_only_victims_linked_to_a_case(
    client: TestClient, role_headers: TokenFor
) -> None:
    linked = _add(client, role_headers)
    response = client.post(
        "/api/v1/protection/victims",
        json=NEW_VICTIM | {"cases": []},
        headers=role_headers(Role.VICTIM_SPECIALIST),
    )
    unlinked = response.json()["pseudonym"]
    investigator = role_headers(Role.INVESTIGATOR)
    listed = client.get("/api/v1/protection/victims", headers=investigator).json()
    assert [v["pseudonym"] for v in listed["victims"]] == [linked]
    assert (
        client.get(f"/api/v1/protection/victims/{unlinked}", headers=investigator).status_code
        == 404
    )
    supervisor = client.get(
        "/api/v1/protection/victims", headers=role_headers(Role.SUPERVISOR)
    ).json()
    assert supervisor["total"] == 2


def _referral(client: TestClient, role_headers: TokenFor, victim: str) -> int:
    made = client.post(
        f"/api/v1/protection/victims/{victim}/referrals",
        json={"service": "shelter", "provider": "Safe House"},
        headers=role_headers(Role.VICTIM_SPECIALIST),
    )
    assert made.status_code == 201, made.text
    return int(made.json()["referral"])


def _other_specialist(client: TestClient) -> dict[str, str]:
    """A second victim specialist, assigned to no victim of the test."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        users.add_user(session, "test-setup", "vs-other", TEST_PASSWORD, Role.VICTIM_SPECIALIST)
    body = {"username": "vs-other", "password": TEST_PASSWORD}
    token = client.post("/api/v1/auth/token", json=body).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_only_an_assigned_specialist_moves_a_referral_on_and_each_change_is_audited(
    client: TestClient, role_headers: TokenFor
) -> None:
    victim = _add(client, role_headers)
    number = _referral(client, role_headers, victim)
    url = f"/api/v1/protection/victims/{victim}/referrals/{number}"
    moved = client.patch(
        url, json={"status": "accepted"}, headers=role_headers(Role.VICTIM_SPECIALIST)
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["referral"]["status"] == "accepted"
    for role in (Role.SUPERVISOR, Role.ADMIN, Role.INVESTIGATOR):
        refused = client.patch(url, json={"status": "declined"}, headers=role_headers(role))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    stranger = client.patch(url, json={"status": "declined"}, headers=_other_specialist(client))
    assert stranger.status_code == 403 and "assigned" in stranger.json()["error"]["message"]
    shown = client.get(
        f"/api/v1/protection/victims/{victim}", headers=role_headers(Role.VICTIM_SPECIALIST)
    )
    assert [r["status"] for r in shown.json()["referrals"]] == ["accepted"]
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.session() as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.detail).where(
                AuditEvent.action.like("victim.referral%")
            )
        ).all()
    changes = [(actor, action) for actor, action, _ in rows]
    assert changes[-2:] == [(SPECIALIST, "victim.referral"), ("vs-other", "victim.referral.denied")]
    assert json.loads(rows[-2][2])["was"] == "referred"


def test_a_bad_referral_update_is_a_4xx_with_json(
    client: TestClient, role_headers: TokenFor
) -> None:
    victim = _add(client, role_headers)
    number = _referral(client, role_headers, victim)
    headers = role_headers(Role.VICTIM_SPECIALIST)
    base = f"/api/v1/protection/victims/{victim}/referrals"
    for url, body, status in (
        (f"{base}/{number}", {"status": "lost"}, 422),
        (f"{base}/{number}", {}, 422),
        (f"{base}/not-a-number", {"status": "accepted"}, 422),
        (f"{base}/{number + 99}", {"status": "accepted"}, 404),
        (f"/api/v1/protection/victims/V-1999-0001/referrals/{number}", {"status": "accepted"}, 404),
    ):
        answer = client.patch(url, json=body, headers=headers)
        assert answer.status_code == status, (url, body, answer.text)
        assert set(answer.json()["error"]) == {"code", "message", "details"}
