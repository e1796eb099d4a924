"""Tokens that end, the caller's own sessions, and sign-in limits that hold in parallel."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ctip.api.app import API_PREFIX, create_app
from ctip.authz import throttle, users
from ctip.config import Environment, Settings
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import AuditEvent, SignInThrottle
from tests.api.test_auth_api import assert_error, bearer, database_of, sign_in
from tests.conftest import TEST_PASSWORD, TokenFor, add_role_users

ME = f"{API_PREFIX}/auth/me"
LOGOUT = f"{API_PREFIX}/auth/logout"
SESSIONS = f"{API_PREFIX}/auth/sessions"


def test_logout_revokes_the_token_and_its_copies(
    client: TestClient, role_headers: TokenFor
) -> None:
    role_headers(Role.ADMIN)
    token = bearer(sign_in(client, "investigator"))
    other = bearer(sign_in(client, "investigator"))
    response = client.post(LOGOUT, headers=token)
    assert response.status_code == 204, response.text
    assert_error(client.get(ME, headers=token), 401, "not_signed_in")
    assert client.get(ME, headers=other).status_code == 200, "only that token ends"
    assert_error(client.post(LOGOUT, headers=token), 401, "not_signed_in")
    assert_error(client.post(LOGOUT), 401, "not_signed_in")


def test_users_list_and_end_their_own_sessions_only(
    client: TestClient, role_headers: TokenFor
) -> None:
    role_headers(Role.ADMIN)
    first = bearer(sign_in(client, "trade-analyst"))
    second = bearer(sign_in(client, "trade-analyst"))
    mine = client.get(SESSIONS, headers=first).json()
    assert [s["kind"] for s in mine] == ["api", "api"]
    assert "secret_hash" not in mine[0] and "token" not in str(mine[0])
    newest = mine[0]["id"]

    outsider = bearer(sign_in(client, "outreach"))
    refused = client.delete(f"{SESSIONS}/{newest}", headers=outsider)
    assert_error(refused, 404, "not_found")
    assert client.get(ME, headers=second).status_code == 200, "another user cannot end it"

    assert client.delete(f"{SESSIONS}/{newest}", headers=first).status_code == 204
    assert_error(client.get(ME, headers=second), 401, "not_signed_in")
    assert [s["id"] for s in client.get(SESSIONS, headers=first).json()] == [mine[1]["id"]]


def test_an_admin_ends_every_session_of_a_user(client: TestClient, role_headers: TokenFor) -> None:
    admin = role_headers(Role.ADMIN)
    tokens = [bearer(sign_in(client, "intel-analyst")) for _ in range(3)]
    response = client.post(f"{API_PREFIX}/users/intel-analyst/revoke", headers=admin)
    assert response.status_code == 200, response.text
    assert response.json() == {"ended": 3}
    for token in tokens:
        assert_error(client.get(ME, headers=token), 401, "not_signed_in")
    assert client.get(ME, headers=admin).status_code == 200
    missing = client.post(f"{API_PREFIX}/users/ghost/revoke", headers=admin)
    assert_error(missing, 404, "not_found")


@pytest.fixture
def any_backend_client(database_url: str) -> Iterator[TestClient]:
    """An API client over a fresh app on SQLite and on PostgreSQL."""
    app = create_app(Settings(env=Environment.TEST, database_url=database_url))
    add_role_users(app.state.database)
    with TestClient(app) as test_client:
        yield test_client
    app.state.database.dispose()


def _count(database: Database, action: str, username: str) -> int:
    with database.session() as session:
        query = select(func.count()).where(
            AuditEvent.action == action, AuditEvent.resource == f"user:{username}"
        )
        return int(session.execute(query).scalar_one())


def test_forty_parallel_wrong_passwords_get_exactly_five_checks(
    any_backend_client: TestClient,
) -> None:
    client = any_backend_client
    attempts = 40

    def guess(number: int) -> int:
        return sign_in(client, "investigator", f"wrong-guess-{number}").status_code

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(guess, range(attempts)))
    assert set(statuses) <= {401, 429}, statuses
    database = database_of(client)
    assert _count(database, "login.failed", "investigator") == throttle.MAX_TRIES
    assert _count(database, "login.locked", "investigator") == 1, "the lock is audited once"
    with database.session() as session:
        row = session.get(SignInThrottle, "investigator")
        assert row is not None and row.tries == throttle.MAX_TRIES
    assert sign_in(client, "investigator").status_code in {401, 429}, "locked, even if right"


def test_a_client_that_keeps_failing_is_throttled_before_any_username(
    client: TestClient, role_headers: TokenFor
) -> None:
    role_headers(Role.ADMIN)
    limit = throttle.CLIENT_MAX_FAILURES
    for number in range(limit):  # spread over usernames, so no username lock is reached
        assert sign_in(client, f"guess-{number % 10}", "wrong-password").status_code == 401
    refused = sign_in(client, "outreach")
    assert_error(refused, 429, "too_many_requests")
    assert int(refused.headers["retry-after"]) > 0
    database = database_of(client)
    with database.session() as session:
        checked = session.get(SignInThrottle, "outreach")
    assert checked is None, "a throttled client does not spend the user's tries"


def test_a_username_lock_is_a_short_delay_not_forever() -> None:
    assert throttle.LOCK.total_seconds() <= 15 * 60
    assert users.MAX_FAILED_SIGN_INS == throttle.MAX_TRIES == 5


def test_the_client_throttle_forgets_failures_after_its_window() -> None:
    clients = throttle.ClientThrottle(max_failures=2, window=0.05)
    clients.note_failure("198.51.100.7")
    clients.note_failure("198.51.100.7")
    assert clients.retry_after("198.51.100.7") > 0
    assert clients.retry_after("203.0.113.9") == 0, "other addresses are not affected"
    time.sleep(0.06)
    assert clients.retry_after("198.51.100.7") == 0


def test_correct_password_still_signs_in_after_a_few_failures(
    client: TestClient, role_headers: TokenFor
) -> None:
    role_headers(Role.ADMIN)
    for _ in range(throttle.MAX_TRIES - 1):
        assert sign_in(client, "supervisor", "wrong-password").status_code == 401
    assert (
        client.get(ME, headers=bearer(sign_in(client, "supervisor", TEST_PASSWORD))).json()[
            "username"
        ]
        == "supervisor"
    )
