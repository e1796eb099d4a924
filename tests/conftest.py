"""Shared fixtures: a migrated store on SQLite and on PostgreSQL, and an API client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import create_app
from ctip.authz import users
from ctip.config import Environment, Settings
from ctip.model.roles import STAFF_ROLES, Role
from ctip.store.db import Database
from tests.support.postgres import fresh_database

pytest_plugins = ["tests.support.pg_plugin", "tests.support.workbench", "tests.support.browser"]

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TEST_PASSWORD = "correct-horse-battery"


def shared_data(*parts: str) -> Path:
    """A file of the public reference data beside the project (never copied into it)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"reference data missing: {path}")
    return path


@pytest.fixture(scope="session", autouse=True)
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Saved screening indexes go to a folder of this run, never the user's cache (PostgreSQL
    stores have no file to keep them beside)."""
    folder = tmp_path_factory.mktemp("indexes")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CTIP_INDEX_DIR", str(folder))
        yield folder


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file for one test."""
    return f"sqlite:///{tmp_path / 'ctip.sqlite3'}"


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_database(postgres_server_url) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on the embedded SQLite store and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A store migrated to head, on both backends."""
    db = Database(database_url)
    db.upgrade()
    yield db
    db.dispose()


@pytest.fixture
def sqlite_database(sqlite_url: str) -> Iterator[Database]:
    """A store migrated to head on SQLite only (for tests that are not about the backend)."""
    db = Database(sqlite_url)
    db.upgrade()
    yield db
    db.dispose()


def add_role_users(db: Database) -> dict[Role, str]:
    """One user per staff role, named after the role; returns role -> username."""
    names = {role: role.value.replace("_", "-") for role in STAFF_ROLES}
    with db.session() as session:
        for role, name in names.items():
            users.add_user(session, "test-setup", name, TEST_PASSWORD, role.value)
    return names


@pytest.fixture
def app_settings(sqlite_url: str) -> Settings:
    """Test settings on a fresh SQLite store."""
    return Settings(env=Environment.TEST, database_url=sqlite_url)


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    """An API client over a fresh app (no users yet)."""
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


TokenFor = Callable[[Role], dict[str, str]]


@pytest.fixture
def role_headers(client: TestClient) -> TokenFor:
    """Bearer headers for a user of each staff role (created on first use)."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    names = add_role_users(database)
    cache: dict[Role, dict[str, str]] = {}

    def headers(role: Role) -> dict[str, str]:
        if role not in cache:
            body = {"username": names[role], "password": TEST_PASSWORD}
            response = client.post("/api/v1/auth/token", json=body)
            assert response.status_code == 200, response.text
            cache[role] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return cache[role]

    return headers
