"""Body limits before parsing: an oversized body is refused 413 without being read.

The bodies are async generators that count what the server pulls from them, so a test can
tell a refusal made before reading from one made after reading everything.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from ctip.api.app import API_PREFIX, create_app
from ctip.api.limits import AUTH_MAX_BYTES, JSON_MAX_BYTES, MAX_BYTES_KEY
from ctip.authz import users
from ctip.config import Settings
from ctip.model.roles import Role
from tests.conftest import TEST_PASSWORD

MB = 1024 * 1024
TOKEN = f"{API_PREFIX}/auth/token"
IMPORT = f"{API_PREFIX}/entities/import"


@dataclass
class CountedBody:
    """A request body of `chunks` chunks of `size` bytes that counts how many were pulled."""

    chunks: int
    size: int = 64 * 1024
    pulled: int = 0

    async def stream(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.pulled += 1
            yield b" " * self.size

    @property
    def total(self) -> int:
        return self.chunks * self.size


@pytest.fixture
def app(app_settings: Settings) -> Iterator[FastAPI]:
    built = create_app(app_settings)
    with built.state.database.session() as session:
        users.add_user(session, "test-setup", "admin", TEST_PASSWORD, Role.ADMIN.value)
    yield built
    built.state.database.dispose()


def post(app: FastAPI, path: str, body: CountedBody, **headers: str) -> httpx.Response:
    """POST the counted body through the ASGI app (chunked unless a length is given)."""

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ctip.test") as client:
            return await client.post(path, content=body.stream(), headers=headers)

    return asyncio.run(send())


def admin_headers(app: FastAPI) -> dict[str, str]:
    async def sign_in() -> str:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ctip.test") as client:
            body = {"username": "admin", "password": TEST_PASSWORD}
            response = await client.post(TOKEN, json=body)
            token: str = response.json()["access_token"]
            return token

    return {"Authorization": f"Bearer {asyncio.run(sign_in())}"}


def too_large(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 413, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "too_large" and set(error) == {"code", "message", "details"}
    return error


def test_an_anonymous_200_mb_sign_in_is_refused_before_a_byte_is_read(app: FastAPI) -> None:
    body = CountedBody(chunks=200 * 16)  # 200 MB in 64 KiB chunks
    response = post(app, TOKEN, body, **{"content-length": str(body.total)})
    assert str(AUTH_MAX_BYTES) in too_large(response)["message"]
    assert body.pulled == 0, "the declared length alone refuses the body"


def test_a_sign_in_body_without_a_length_is_cut_off_at_the_cap(app: FastAPI) -> None:
    body = CountedBody(chunks=200 * 16)
    too_large(post(app, TOKEN, body))
    assert body.pulled <= AUTH_MAX_BYTES // body.size + 1, "read no further than the cap"


def test_a_json_route_takes_at_most_one_mib(app: FastAPI) -> None:
    body = CountedBody(chunks=32)  # 2 MiB
    response = post(app, f"{API_PREFIX}/screen", body, **{"content-length": str(body.total)})
    assert str(JSON_MAX_BYTES) in too_large(response)["message"] and body.pulled == 0


def test_an_upload_route_takes_files_above_the_json_cap(app: FastAPI) -> None:
    """Two MiB of blanks reach the import (which refuses them as empty), not the 413."""
    body = CountedBody(chunks=32)
    headers = admin_headers(app)
    response = post(app, f"{IMPORT}?source=limits", body, **headers)
    assert response.status_code == 422, response.text
    assert "empty" in response.json()["error"]["message"] and body.pulled == 32


def test_an_upload_over_its_route_cap_is_refused_unread(app: FastAPI) -> None:
    body = CountedBody(chunks=4)
    headers = {**admin_headers(app), "content-length": str(300 * MB)}
    too_large(post(app, f"{IMPORT}?source=limits", body, **headers))
    assert body.pulled == 0


def test_every_upload_route_declares_its_cap_and_a_list_file_over_it_is_refused(
    app: FastAPI,
) -> None:
    operations = [op for ops in app.openapi()["paths"].values() for op in ops.values()]
    uploads = [op for op in operations if "413" in op.get("responses", {})]
    assert len(uploads) >= 6 and all(MAX_BYTES_KEY in op for op in uploads)
    lists_load = app.openapi()["paths"][f"{API_PREFIX}/lists/load"]["post"]
    assert lists_load[MAX_BYTES_KEY] == 100 * MB
    body = CountedBody(chunks=4)
    headers = {**admin_headers(app), "content-length": str(150 * MB)}
    path = f"{API_PREFIX}/lists/load?list=team&format=names&edition=e1"
    assert str(100 * MB) in too_large(post(app, path, body, **headers))["message"]
    assert body.pulled == 0
