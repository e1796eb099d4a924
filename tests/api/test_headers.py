"""Headers on every API answer: no-store, HSTS with secure cookies; Swagger UI off outside
development (its page loads a script from a public CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from ctip.api.app import API_PREFIX, create_app
from ctip.config import Environment, Settings


def client_for(tmp_path: Path, **settings: object) -> TestClient:
    url = f"sqlite:///{tmp_path / 'headers.sqlite3'}"
    return TestClient(create_app(Settings(database_url=url, **settings)))  # type: ignore[arg-type]


def test_every_api_answer_is_no_store_and_no_hsts_over_plain_http(tmp_path: Path) -> None:
    client = client_for(tmp_path, env=Environment.TEST)
    answers = [
        client.get(f"{API_PREFIX}/health"),
        client.get(f"{API_PREFIX}/entities/search", params={"q": "x"}),  # 401
        client.get(f"{API_PREFIX}/no-such-route"),  # 404
        client.post(f"{API_PREFIX}/auth/token", content=b" " * (65 * 1024)),  # 413
    ]
    assert [a.status_code for a in answers] == [200, 401, 404, 413]
    assert all(a.headers["cache-control"] == "no-store" for a in answers)
    assert all("strict-transport-security" not in a.headers for a in answers)


def test_secure_cookies_bring_hsts_on_api_and_pages(tmp_path: Path) -> None:
    client = client_for(tmp_path, env=Environment.TEST, secure_cookies=True)
    for answer in (client.get(f"{API_PREFIX}/health"), client.get("/login")):
        assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_swagger_ui_only_in_development_and_the_schema_everywhere(tmp_path: Path) -> None:
    test = client_for(tmp_path, env=Environment.TEST)
    assert test.get(f"{API_PREFIX}/docs").status_code == 404
    assert test.get(f"{API_PREFIX}/openapi.json").status_code == 200
    development = client_for(tmp_path, env=Environment.DEVELOPMENT)
    assert development.get(f"{API_PREFIX}/docs").status_code == 200
