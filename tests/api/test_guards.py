"""NUL (and, in JSON, a lone surrogate) is refused 422 on every input, before any route.

PostgreSQL text cannot hold NUL: a NUL in `POST /screen`'s list or edition used to reach the
database and answer 500 there. These run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from starlette.types import Message, Receive, Scope, Send

from ctip.api.app import API_PREFIX, create_app
from ctip.api.guards import RejectNulMiddleware
from ctip.authz import users
from ctip.config import Environment, Settings
from ctip.model.roles import Role
from tests.conftest import TEST_PASSWORD

SCREEN = f"{API_PREFIX}/screen"
QUERY = {"id": "q1", "name": "Hoshine Silicon"}


@pytest.fixture
def admin_client(database_url: str) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = create_app(Settings(env=Environment.TEST, database_url=database_url))
    with app.state.database.session() as session:
        users.add_user(session, "test-setup", "admin", TEST_PASSWORD, Role.ADMIN.value)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = {"username": "admin", "password": TEST_PASSWORD}
        token = client.post(f"{API_PREFIX}/auth/token", json=body).json()["access_token"]
        yield client, {"Authorization": f"Bearer {token}"}
    app.state.database.dispose()


def refused(response: Response) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "invalid_request" and "NUL" in error["message"]
    return error


@pytest.mark.parametrize(
    "body",
    [
        {"list": "uflpa\x00", "queries": [QUERY]},
        {"list": "uflpa", "edition": "2099\x00", "queries": [QUERY]},
        {"list": "uflpa", "queries": [{**QUERY, "name": "Hoshine \ud800Silicon"}]},
        {"list": "uflpa", "queries": [QUERY], "note\x00": "a key"},
    ],
    ids=["list", "edition", "lone-surrogate", "key"],
)
def test_unstorable_text_in_a_json_body_is_422_on_every_store(
    admin_client: tuple[TestClient, dict[str, str]], body: dict[str, Any]
) -> None:
    client, admin = admin_client
    headers = {**admin, "content-type": "application/json"}
    refused(client.post(SCREEN, content=json.dumps(body).encode(), headers=headers))


def test_an_escaped_backslash_before_u0000_is_ordinary_text(
    admin_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, admin = admin_client
    content = b'{"list": "no-such-list\\\\u0000", "queries": [{"id": "q1", "name": "Ivan"}]}'
    headers = {**admin, "content-type": "application/json"}
    response = client.post(SCREEN, content=content, headers=headers)
    assert response.status_code == 404, response.text


def test_nul_in_a_form_is_422(admin_client: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = admin_client
    refused(client.post("/login", data={"username": "ad\x00min", "password": "x"}))


def test_nul_in_a_header_is_422() -> None:
    """Servers usually refuse it first; the app refuses it too, whatever server runs it."""
    reached: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope)

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": "GET",
        "path": f"{API_PREFIX}/health",
        "query_string": b"",
        "headers": [(b"authorization", b"Bearer abc\x00def")],
    }
    asyncio.run(RejectNulMiddleware(app)(scope, receive, send))
    assert reached == [] and sent[0]["status"] == 422
