"""The embedded SQLite store with several writers at once (issue 10, item 5).

SQLite has one writer at a time. Before, a second writer waited 10 s and died: sign-ins during
a 200k import got 500 `database is locked`, and a second CLI import ended in a 269-line
traceback. Now writers queue in SQLite's busy handler (WAL keeps readers free), and a writer
that still cannot get in leaves with one clear line: exit code 6 at the CLI, 503 with
`Retry-After` over HTTP.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from ctip.api.app import create_app
from ctip.cli import app as cli_app
from ctip.config import Environment, Settings, get_settings
from ctip.store import db as store_db
from ctip.store.db import Database, StoreBusy
from tests.conftest import TEST_PASSWORD, add_role_users
from tests.store.synthetic import people_file

CTIP = Path(sys.executable).with_name("ctip")


def test_the_store_runs_in_wal_mode_with_a_busy_timeout(sqlite_database: Database) -> None:
    """Readers never wait for the writer (WAL) and writers queue for the write lock."""
    with sqlite_database.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        timeout = session.execute(text("PRAGMA busy_timeout")).scalar_one()
    assert timeout == store_db.BUSY_TIMEOUT_MS >= 10_000


def _cli_env(url: str) -> dict[str, str]:
    return {**os.environ, "CTIP_DATABASE_URL": url, "CTIP_ENV": "test"}


def test_two_concurrent_cli_imports_both_finish(tmp_path: Path) -> None:
    """Two `ctip entities import` processes on one SQLite file: the second queues behind
    the first, both finish, no traceback (before: the second died after 10 s)."""
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    Database(url).upgrade()
    env = _cli_env(url)
    runs = []
    for tag in ("first", "second"):
        path = tmp_path / f"{tag}.ijson"
        path.write_bytes(people_file(5000, tag))
        command = [str(CTIP), "entities", "import", str(path), "--source", tag]
        runs.append(
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        )
    started = time.perf_counter()
    results = [run.communicate(timeout=300) for run in runs]
    print(f"two concurrent imports of 5,000 entities: {time.perf_counter() - started:.1f} s")
    for run, (out, err) in zip(runs, results, strict=True):
        assert b"Traceback" not in err, err.decode()[-2000:]
        assert run.returncode == 0, (out + err).decode()[-2000:]
        assert b"imported 5000 entities" in out


@pytest.fixture
def write_lock_held(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A migrated store whose write lock another connection holds; writers wait 0.3 s."""
    database = Database(sqlite_url)
    database.upgrade()
    add_role_users(database)
    database.dispose()
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield Database(sqlite_url)
    holder.execute("ROLLBACK")
    holder.close()


def test_a_cli_import_that_cannot_get_the_store_says_so_in_one_line(
    write_lock_held: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exit code 6 and "the store is busy ... try again", not a traceback."""
    monkeypatch.setenv("CTIP_DATABASE_URL", write_lock_held.url)
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    path = tmp_path / "small.ijson"
    path.write_bytes(people_file(20, "small"))
    result = CliRunner().invoke(cli_app, ["entities", "import", str(path), "--source", "small"])
    assert result.exit_code == StoreBusy.exit_code == 6, result.output
    get_settings.cache_clear()
    assert "store is busy" in result.output and "try again" in result.output
    assert isinstance(result.exception, SystemExit), result.exception


def test_a_sign_in_that_cannot_get_the_store_is_a_503_with_retry_after(
    write_lock_held: Database,
) -> None:
    """The API's answer to a store held too long: 503 JSON and Retry-After, not a 500."""
    settings = Settings(env=Environment.TEST, database_url=write_lock_held.url)
    with TestClient(create_app(settings, write_lock_held)) as client:
        body = {"username": "investigator", "password": TEST_PASSWORD}
        response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "store_busy"
    assert int(response.headers["Retry-After"]) > 0
