"""Workbench fixtures for every test area: a seeded store (one user per role and the
donations data), an app over a private copy of it, and form helpers.

Registered as a plugin in tests/conftest.py, so its fixtures need no import."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ctip.api.app import create_app
from ctip.config import Environment, Settings
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.model.roles import Role
from ctip.store.db import Database
from tests.conftest import TEST_PASSWORD, add_role_users, shared_data

DONATIONS_SOURCE = "donations"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def import_donations(database: Database) -> None:
    """The public donations file (people, companies, addresses, payments) as source 'donations'."""
    path = shared_data("name_matching", "donations.ftm.ijson")
    with database.session() as session:
        import_ftm_bytes(session, path.read_bytes(), path.name, DONATIONS_SOURCE, "test-setup")


def import_lines(database: Database, lines: bytes, source: str) -> None:
    """A few FtM lines of a test's own, as their own source."""
    with database.session() as session:
        import_ftm_bytes(session, lines, f"{source}.ijson", source, "test-setup")


def seed_store(database: Database) -> None:
    """What every workbench test starts from: one user per staff role and the donations."""
    add_role_users(database)
    import_donations(database)


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite file built once (hashing passwords and importing take seconds)."""
    path = tmp_path_factory.mktemp("web-seed") / "ctip.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    seed_store(database)
    database.dispose()  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture
def seeded_settings(seeded_sqlite: Path, tmp_path: Path) -> Settings:
    """Test settings on a private copy of the seeded store, so tests cannot see each other."""
    target = tmp_path / "ctip.sqlite3"
    shutil.copyfile(seeded_sqlite, target)
    return Settings(env=Environment.TEST, database_url=f"sqlite:///{target}")


@pytest.fixture
def web(seeded_settings: Settings) -> Iterator[TestClient]:
    """A browser-like client (no automatic redirects) over an app with users and donations."""
    with TestClient(create_app(seeded_settings), follow_redirects=False) as client:
        yield client


def form_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, role: Role) -> None:
    """Sign in through the form as the test user of `role`."""
    token = form_token(client.get("/login").text)
    username = role.value.replace("_", "-")
    body = {"username": username, "password": TEST_PASSWORD, "csrf_token": token}
    response = client.post("/login", data=body)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"
