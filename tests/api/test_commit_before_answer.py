"""A write is committed before the answer says it succeeded (issue 10, item 6).

The request's transaction used to commit in a `yield` dependency that ran after the response
was sent: right after a 2xx the new rows were not yet readable, and a commit that then failed
was rolled back after the client had been told it succeeded. These tests look at the store
at the moment the response starts, and make the commit itself fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ctip.api.app import API_PREFIX, create_app
from ctip.config import Settings
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import User
from tests.conftest import TokenFor

NEW_USER = {"username": "new-analyst", "password": "a-long-enough-password", "role": "outreach"}


def user_exists(database: Database, username: str) -> bool:
    """Whether a user row is readable from another connection (so committed)."""
    with database.session() as session:
        query = select(User.id).where(User.username == username)
        return session.execute(query).first() is not None


async def call_app(app: Any, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
    """Drive the ASGI app directly, checking the store when the response starts."""
    seen: dict[str, Any] = {}
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
            seen["committed"] = user_exists(app.state.database, NEW_USER["username"])

    raw_headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw_headers.append((b"content-type", b"application/json"))
    raw_headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "scheme": "http",
        "root_path": "",
    }
    await app(scope, receive, send)
    return seen


def test_a_created_user_is_in_the_store_when_the_answer_starts(
    client: TestClient, role_headers: TokenFor
) -> None:
    """The 201 of `POST /users` leaves only after the new row is committed."""
    headers = role_headers(Role.ADMIN)
    body = json.dumps(NEW_USER).encode()
    seen = client.portal.call(call_app, client.app, "POST", f"{API_PREFIX}/users", headers, body)  # type: ignore[union-attr]
    assert seen["status"] == 201
    assert seen["committed"], "the 201 started before the user was committed"


@pytest.fixture
def failing_commits(client: TestClient) -> Iterator[list[Exception]]:
    """Make every commit of the app's sessions fail with the error put in the list."""
    errors: list[Exception] = []

    def fail(_session: Session) -> None:
        if errors:
            raise errors[0]

    event.listen(Session, "before_commit", fail)
    yield errors
    event.remove(Session, "before_commit", fail)


def test_a_commit_that_finds_the_store_busy_is_a_503_not_a_success(
    client: TestClient, role_headers: TokenFor, failing_commits: list[Exception]
) -> None:
    """A locked SQLite store at commit time: 503 JSON with Retry-After, nothing written."""
    headers = role_headers(Role.ADMIN)
    failing_commits.append(OperationalError("COMMIT", {}, Exception("database is locked")))
    response = client.post(f"{API_PREFIX}/users", json=NEW_USER, headers=headers)
    failing_commits.clear()
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "store_busy"
    assert "try again" in response.json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    assert not user_exists(client.app.state.database, NEW_USER["username"])  # type: ignore[attr-defined]


def test_any_other_failed_commit_is_a_500_with_an_error_id(
    app_settings: Settings, role_headers: TokenFor, client: TestClient
) -> None:
    """A commit failing for another reason is a logged 500 JSON, never the 201."""
    headers = role_headers(Role.ADMIN)

    def broken(_session: Session) -> None:
        raise RuntimeError("disk full")

    other_app = create_app(app_settings)  # its start-up commits; only the request's must fail
    event.listen(Session, "before_commit", broken)
    try:
        with TestClient(other_app, raise_server_exceptions=False) as other:
            response = other.post(f"{API_PREFIX}/users", json=NEW_USER, headers=headers)
    finally:
        event.remove(Session, "before_commit", broken)
    assert response.status_code == 500, response.text
    assert response.json()["error"]["details"][0]["error_id"]
    assert not user_exists(client.app.state.database, NEW_USER["username"])  # type: ignore[attr-defined]
