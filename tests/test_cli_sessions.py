"""`ctip users revoke` and `ctip users set-password` end every session and token of a user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.authz import users
from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import InvalidInput, NotFound
from ctip.store.db import Database

runner = CliRunner()
PASSWORD = "a-long-enough-password"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A fresh SQLite store the commands use, with one user holding two tokens."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("CTIP_DATABASE_URL", url)
    monkeypatch.setenv("CTIP_ENV", "test")
    monkeypatch.setenv("CTIP_NEW_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    assert runner.invoke(app, ["users", "add", "maria", "--role", "investigator"]).exit_code == 0
    database = Database(url)
    yield database
    database.dispose()
    get_settings.cache_clear()


def _tokens(database: Database, count: int) -> list[str]:
    with database.session() as session:
        principal = users.authenticate(session, "maria", PASSWORD, "api")
    assert principal is not None
    with database.session() as session:
        return [users.issue_token(session, principal, 3600)[0] for _ in range(count)]


def _alive(database: Database, tokens: list[str]) -> list[bool]:
    with database.session() as session:
        return [users.principal_for_token(session, t) is not None for t in tokens]


def test_revoke_ends_every_token_of_the_user(store: Database) -> None:
    tokens = _tokens(store, 2)
    result = runner.invoke(app, ["users", "revoke", "maria"])
    assert result.exit_code == 0, result.output
    assert "2 sessions and tokens ended" in result.output
    assert _alive(store, tokens) == [False, False]
    missing = runner.invoke(app, ["users", "revoke", "nobody"])
    assert missing.exit_code == NotFound.exit_code


def test_set_password_ends_every_token_and_checks_length(
    store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = _tokens(store, 1)
    monkeypatch.setenv("CTIP_NEW_PASSWORD", "another-long-password")
    result = runner.invoke(app, ["users", "set-password", "maria"])
    assert result.exit_code == 0, result.output
    assert _alive(store, tokens) == [False]
    monkeypatch.setenv("CTIP_NEW_PASSWORD", "short")
    refused = runner.invoke(app, ["users", "set-password", "maria"])
    assert refused.exit_code == InvalidInput.exit_code and "at least" in refused.output
