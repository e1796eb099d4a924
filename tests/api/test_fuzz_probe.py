from __future__ import annotations
from collections.abc import Iterator
from pathlib import Path
import pytest, schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from ctip.api.app import create_app
from ctip.authz import users
from ctip.config import Environment, Settings

@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    path = tmp_path_factory.mktemp("fuzz") / "ctip.sqlite3"
    return create_app(Settings(env=Environment.TEST, database_url=f"sqlite:///{path}"))

@pytest.fixture(scope="module")
def admin_headers(fuzz_app: FastAPI) -> dict[str, str]:
    with fuzz_app.state.database.session() as s:
        users.add_user(s, "t", "fuzz-admin-q7", "correct-horse-battery", "admin")
    with TestClient(fuzz_app) as c:
        r = c.post("/api/v1/auth/token", json={"username": "fuzz-admin-q7", "password": "correct-horse-battery"})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

@pytest.fixture(scope="module")
def api_schema(fuzz_app: FastAPI):
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", fuzz_app)

schema = schemathesis.pytest.from_fixture("api_schema")

@schema.parametrize()
@settings(max_examples=25, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
def test_admin(case, admin_headers):
    case.call_and_validate(headers=admin_headers)

@schema.parametrize()
@settings(max_examples=25, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
def test_anon(case):
    case.call_and_validate()
