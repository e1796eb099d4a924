"""Signing in, who am I, user administration and the audit chain, over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import update

from ctip.api.app import API_PREFIX
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from tests.conftest import TEST_PASSWORD, TokenFor

TOKEN = f"{API_PREFIX}/auth/token"
ME = f"{API_PREFIX}/auth/me"
USERS = f"{API_PREFIX}/users"


def sign_in(client: TestClient, username: str, password: str = TEST_PASSWORD) -> Response:
    """Ask for a bearer token."""
    response: Response = client.post(TOKEN, json={"username": username, "password": password})
    return response


def bearer(response: Response) -> dict[str, str]:
    """Headers carrying the token of a successful sign-in."""
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_error(response: Response, status: int, code: str) -> dict[str, Any]:
    """A refusal with the typed JSON body; returns the error."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    return error


def audit_events(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The audit log, newest first."""
    response = client.get(f"{API_PREFIX}/audit/events", params={"limit": 1000}, headers=headers)
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()
    return events


def add_user(
    client: TestClient, headers: dict[str, str], username: str, role: str = "investigator"
) -> Response:
    """POST a new user."""
    body = {"username": username, "password": TEST_PASSWORD, "role": role}
    response: Response = client.post(USERS, json=body, headers=headers)
    return response


def database_of(client: TestClient) -> Database:
    """The app's store, for looking underneath the API."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    return database


def test_a_token_signs_in_as_the_user(client: TestClient, role_headers: TokenFor) -> None:
    role_headers(Role.ADMIN)  # creates one user per role
    response = sign_in(client, "investigator")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert len(body["access_token"]) >= 32
    expires = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert expires > datetime.now(UTC)
    me = client.get(ME, headers=bearer(response))
    assert me.status_code == 200, me.text
    assert me.json() == {"username": "investigator", "role": "investigator"}


def test_me_without_a_token_is_401(client: TestClient) -> None:
    response = client.get(ME)
    assert_error(response, 401, "not_signed_in")
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_wrong_password_is_401_and_audited(client: TestClient, role_headers: TokenFor) -> None:
    admin = role_headers(Role.ADMIN)
    response = sign_in(client, "investigator", "not-the-password")
    error = assert_error(response, 401, "not_signed_in")
    assert "password" in error["message"]
    assert response.headers["www-authenticate"] == "Bearer"
    assert_error(sign_in(client, "nobody-here", "whatever-it-is"), 401, "not_signed_in")

    failed = [e for e in audit_events(client, admin) if e["action"] == "login.failed"]
    assert [(e["actor"], e["resource"]) for e in failed] == [
        ("nobody-here", "user:nobody-here"),
        ("investigator", "user:investigator"),
    ]
    assert json.loads(failed[1]["detail"]) == {"channel": "api", "reason": "bad credentials"}


def test_a_disabled_users_token_stops_working_at_once(
    client: TestClient, role_headers: TokenFor
) -> None:
    admin = role_headers(Role.ADMIN)
    analyst = bearer(sign_in(client, "intel-analyst"))
    assert client.get(ME, headers=analyst).status_code == 200

    disabled = client.post(f"{USERS}/intel-analyst/disable", headers=admin)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled"] is True

    assert_error(client.get(ME, headers=analyst), 401, "not_signed_in")
    assert_error(sign_in(client, "intel-analyst"), 401, "not_signed_in")
    last_failure = next(e for e in audit_events(client, admin) if e["action"] == "login.failed")
    assert json.loads(last_failure["detail"])["reason"] == "disabled"

    enabled = client.post(f"{USERS}/intel-analyst/enable", headers=admin)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["disabled"] is False
    assert client.get(ME, headers=bearer(sign_in(client, "intel-analyst"))).status_code == 200
    assert_error(client.get(ME, headers=analyst), 401, "not_signed_in")  # old token stays revoked


def test_an_admin_adds_a_user_who_can_then_sign_in(
    client: TestClient, role_headers: TokenFor
) -> None:
    admin = role_headers(Role.ADMIN)
    response = add_user(client, admin, "maria.lopez", "victim_specialist")
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["username"] == "maria.lopez"
    assert created["role"] == "victim_specialist"
    assert created["disabled"] is False
    assert created["display_name"] == "maria.lopez"
    assert "password" not in json.dumps(created)

    listed = client.get(USERS, headers=admin).json()
    assert "maria.lopez" in {u["username"] for u in listed}
    me = client.get(ME, headers=bearer(sign_in(client, "maria.lopez"))).json()
    assert me == {"username": "maria.lopez", "role": "victim_specialist"}
    added = next(e for e in audit_events(client, admin) if e["action"] == "user.add")
    assert (added["actor"], added["resource"]) == ("admin", "user:maria.lopez")


def test_a_duplicate_user_is_a_409_conflict(client: TestClient, role_headers: TokenFor) -> None:
    admin = role_headers(Role.ADMIN)
    assert add_user(client, admin, "sam.okafor").status_code == 201
    error = assert_error(add_user(client, admin, "sam.okafor", "outreach"), 409, "conflict")
    assert "already exists" in error["message"]
    listed = [u for u in client.get(USERS, headers=admin).json() if u["username"] == "sam.okafor"]
    assert [u["role"] for u in listed] == ["investigator"], "the first user is kept as it was"


def test_a_role_that_is_not_a_staff_role_is_422(client: TestClient, role_headers: TokenFor) -> None:
    admin = role_headers(Role.ADMIN)
    error = assert_error(add_user(client, admin, "new.person", "wizard"), 422, "invalid_request")
    assert "wizard" in error["message"]
    assert_error(add_user(client, admin, "new.person", "tip_submitter"), 422, "invalid_request")
    role_change = client.put(f"{USERS}/outreach/role", json={"role": "wizard"}, headers=admin)
    assert_error(role_change, 422, "invalid_request")
    usernames = {u["username"] for u in client.get(USERS, headers=admin).json()}
    assert "new.person" not in usernames


def test_bad_usernames_and_short_passwords_are_refused(
    client: TestClient, role_headers: TokenFor
) -> None:
    admin = role_headers(Role.ADMIN)
    assert_error(add_user(client, admin, "Not Valid!"), 422, "invalid_request")
    short = {"username": "short.pw", "password": "tooshort", "role": "outreach"}
    error = assert_error(client.post(USERS, json=short, headers=admin), 422, "invalid_request")
    assert [d["location"] for d in error["details"]] == [["body", "password"]]


def test_set_role_changes_what_the_user_may_do(client: TestClient, role_headers: TokenFor) -> None:
    admin = role_headers(Role.ADMIN)
    outreach = role_headers(Role.OUTREACH)
    search = f"{API_PREFIX}/entities/search"
    assert_error(client.get(search, params={"q": "x"}, headers=outreach), 403, "forbidden")

    changed = client.put(f"{USERS}/outreach/role", json={"role": "investigator"}, headers=admin)
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "investigator"

    assert_error(client.get(ME, headers=outreach), 401, "not_signed_in")  # a new role ends tokens
    again = bearer(sign_in(client, "outreach"))
    assert client.get(ME, headers=again).json()["role"] == "investigator"
    assert client.get(search, params={"q": "x"}, headers=again).status_code == 200
    event = next(e for e in audit_events(client, admin) if e["action"] == "user.set_role")
    assert json.loads(event["detail"]) == {
        "from": "outreach",
        "to": "investigator",
        "sessions_ended": 1,
    }


def test_user_admin_on_an_unknown_user_is_refused(
    client: TestClient, role_headers: TokenFor
) -> None:
    admin = role_headers(Role.ADMIN)
    for response in (
        client.post(f"{USERS}/ghost/disable", headers=admin),
        client.post(f"{USERS}/ghost/enable", headers=admin),
        client.put(f"{USERS}/ghost/role", json={"role": "outreach"}, headers=admin),
    ):
        assert response.status_code == 404, response.text
        assert "ghost" in response.json()["error"]["message"]


def test_text_with_nul_is_refused_not_a_server_error(
    client: TestClient, role_headers: TokenFor
) -> None:
    """PostgreSQL cannot store NUL; it must be refused as bad input on every backend."""
    admin = role_headers(Role.ADMIN)
    assert_error(sign_in(client, "adm\x00in"), 422, "invalid_request")
    assert_error(client.post(f"{USERS}/ghost%00/disable", headers=admin), 422, "invalid_request")
    role = client.put(f"{USERS}/outreach/role", json={"role": "admin\x00"}, headers=admin)
    assert_error(role, 422, "invalid_request")


def test_audit_verify_checks_the_chain(client: TestClient, role_headers: TokenFor) -> None:
    admin = role_headers(Role.ADMIN)
    supervisor = role_headers(Role.SUPERVISOR)
    assert add_user(client, admin, "chain.check").status_code == 201
    events = audit_events(client, admin)

    report = client.get(f"{API_PREFIX}/audit/verify", headers=supervisor)
    assert report.status_code == 200, report.text
    assert report.json() == {
        "ok": True,
        "rows_checked": len(events),
        "first_bad_seq": None,
        "problem": None,
    }

    tampered = next(e for e in events if e["action"] == "user.add")
    with database_of(client).session() as session:
        session.execute(
            update(AuditEvent).where(AuditEvent.seq == tampered["seq"]).values(actor="someone")
        )
    broken = client.get(f"{API_PREFIX}/audit/verify", headers=admin).json()
    assert broken["ok"] is False
    assert broken["first_bad_seq"] == tampered["seq"]
    assert broken["problem"]
