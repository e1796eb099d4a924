"""Bad input is a 4xx with the JSON error body on both stores, never a 500.

Text PostgreSQL cannot hold (NUL) and text no driver can encode (lone surrogates) used to
fail inside the database; SQLite accepts NUL, so these run on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from ctip.api.app import API_PREFIX, create_app
from ctip.authz import users
from ctip.config import Environment, Settings
from ctip.model.roles import Role
from tests.api.jobs import import_answer
from tests.conftest import TEST_PASSWORD

ENTITIES = f"{API_PREFIX}/entities"
GOOD_LINE = b'{"id": "p-1", "schema": "Person", "properties": {"name": ["Nadia Reyes"]}}'


@dataclass
class Api:
    """A client of a fresh app and an administrator's bearer headers."""

    client: TestClient
    admin: dict[str, str]

    def get(self, path: str, **params: str) -> Response:
        response: Response = self.client.get(path, params=params, headers=self.admin)
        return response

    def import_lines(self, data: bytes, **params: str) -> Response:
        """The import's answer; a job (202) is followed to its end and answered as the
        synchronous route did (200 with the outcome, 422 with the rejected lines)."""
        query = {"source": "bad-input"} | params
        response: Response = self.client.post(
            f"{ENTITIES}/import", params=query, content=data, headers=self.admin
        )
        if response.status_code != 202:
            return response
        answer = import_answer(self.client, self.admin, response)
        status = answer.pop("_status")
        answer.pop("_job", None)
        return Response(status, json=answer)

    def names_found(self, q: str) -> list[str]:
        response = self.get(f"{ENTITIES}/search", q=q)
        assert response.status_code == 200, response.text
        return [r["caption"] for r in response.json()["results"]]


@pytest.fixture
def api(database_url: str) -> Iterator[Api]:
    """A fresh app on SQLite and on PostgreSQL with one administrator."""
    app = create_app(Settings(env=Environment.TEST, database_url=database_url))
    with app.state.database.session() as session:
        users.add_user(session, "test-setup", "admin", TEST_PASSWORD, Role.ADMIN.value)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = {"username": "admin", "password": TEST_PASSWORD}
        token = client.post(f"{API_PREFIX}/auth/token", json=body).json()["access_token"]
        yield Api(client, {"Authorization": f"Bearer {token}"})
    app.state.database.dispose()


def assert_error(response: Response, status: int) -> dict[str, Any]:
    """A refusal with the typed JSON body; returns the error."""
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


@pytest.mark.parametrize(
    ("path", "params"),
    [
        (f"{ENTITIES}/search", {"q": "a\x00b"}),
        (f"{ENTITIES}/by-identifier", {"value": "DE89\x00"}),
        (f"{ENTITIES}/export", {"source": "x\x00"}),
        (f"{ENTITIES}/p%00-1", {}),
        (f"{ENTITIES}/p%00-1/links", {}),
    ],
    ids=["search", "by-identifier", "export", "entity", "links"],
)
def test_nul_in_a_path_or_query_is_422(api: Api, path: str, params: dict[str, str]) -> None:
    assert "NUL" in assert_error(api.get(path, **params), 422)["message"]


def test_nul_in_user_admin_paths_and_bodies_is_refused(api: Api) -> None:
    client, admin = api.client, api.admin
    assert_error(client.post(f"{API_PREFIX}/users/adm%00in/disable", headers=admin), 422)
    body = {"username": "ad\x00min", "password": TEST_PASSWORD}
    assert_error(client.post(f"{API_PREFIX}/auth/token", json=body), 422)
    role = {"role": "admin\x00"}
    assert_error(client.put(f"{API_PREFIX}/users/admin/role", json=role, headers=admin), 422)
    assert_error(api.import_lines(GOOD_LINE, file_name="up\x00load.ijson"), 422)


@pytest.mark.parametrize(
    "bad_line",
    [
        b'{"id": "p-2", "schema": "Person", "properties": {"name": ["Omar\\u0000 Haddad"]}}',
        b'{"id": "p-2\\u0000", "schema": "Person", "properties": {"name": ["Omar Haddad"]}}',
        b'{"id": "p-2", "schema": "Person", "properties": {"name": ["Omar \\ud800Haddad"]}}',
    ],
    ids=["nul-in-value", "nul-in-id", "lone-surrogate"],
)
def test_unstorable_text_in_an_import_names_the_line(api: Api, bad_line: bytes) -> None:
    response = api.import_lines(GOOD_LINE + b"\n" + bad_line + b"\n")
    error = assert_error(response, 422)
    assert [d["row"] for d in error["details"]] == [2]
    assert api.names_found("Nadia Reyes") == [], "nothing of a refused file is written"


def test_escapes_that_decode_to_storable_text_are_imported(api: Api) -> None:
    """An escaped backslash before u0000, and a proper surrogate pair, are ordinary text."""
    line = (
        b'{"id": "p-3", "schema": "Person", '
        b'"properties": {"name": ["Lena \\\\u0000 Smile \\ud83d\\ude00"]}}'
    )
    response = api.import_lines(line)
    assert response.status_code == 200, response.text
    assert api.names_found("Lena Smile") == ["Lena \\u0000 Smile \U0001f600"]


def test_a_line_nested_too_deep_to_parse_is_refused(api: Api) -> None:
    deep = b'{"id": "p-4", "schema": "Person", "properties": {"name": ' + b"[" * 100_000 + b"}}"
    assert_error(api.import_lines(GOOD_LINE + b"\n" + deep), 422)
    assert api.names_found("Nadia Reyes") == []
