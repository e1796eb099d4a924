"""The `ctip` command end to end against a temporary SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from tests.conftest import shared_data

runner = CliRunner()


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every command here uses a fresh SQLite file."""
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_import_export_round_trip(tmp_path: Path) -> None:
    source = shared_data("name_matching", "donations.ftm.ijson")
    first = runner.invoke(app, ["entities", "import", str(source), "--source", "donations"])
    assert first.exit_code == 0, first.output
    assert "imported 474 entities" in first.output
    again = runner.invoke(app, ["entities", "import", str(source), "--source", "donations"])
    assert "nothing changed" in again.output
    out = tmp_path / "out.ijson"
    exported = runner.invoke(app, ["entities", "export", "--out", str(out)])
    assert exported.exit_code == 0
    ids = {json.loads(line)["id"] for line in out.read_text().splitlines()}
    original = {json.loads(line)["id"] for line in source.read_text().splitlines()}
    assert ids == original


def test_bad_file_names_line_and_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ijson"
    bad.write_text('{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{oops\n')
    result = runner.invoke(app, ["entities", "import", str(bad), "--source", "x"])
    assert result.exit_code == 1
    assert "line 2: not valid JSON" in result.output
    assert "nothing was imported" in result.output
    listed = runner.invoke(app, ["entities", "search", "a"])
    assert "0 found" in listed.output


def test_users_lifecycle_and_audit_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIP_NEW_PASSWORD", "a-long-enough-password")
    added = runner.invoke(app, ["users", "add", "maria", "--role", "victim_specialist"])
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["users", "set-role", "maria", "supervisor"]).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "maria"]).exit_code == 0
    listed = runner.invoke(app, ["users", "list"])
    assert (
        "maria" in listed.output and "disabled" in listed.output and "supervisor" in listed.output
    )
    refused = runner.invoke(app, ["users", "set-role", "maria", "wizard"])
    assert refused.exit_code == 1 and "unknown role" in refused.output
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact: 3 rows" in verified.output


def test_audit_verify_fails_on_tampering(
    store_in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    monkeypatch.setenv("CTIP_NEW_PASSWORD", "a-long-enough-password")
    runner.invoke(app, ["users", "add", "maria", "--role", "investigator"])
    runner.invoke(app, ["users", "disable", "maria"])
    with sqlite3.connect(store_in_tmp) as connection:
        connection.execute("update audit_log set actor = 'nobody' where seq = 1")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "broken at row 1" in result.output


def test_lookup_by_phone_in_any_format() -> None:
    runner.invoke(app, ["demo", "--no-serve"])
    result = runner.invoke(app, ["entities", "lookup", "(713) 555-0199", "--kind", "phone"])
    assert result.exit_code == 0 and "3 found" in result.output


def test_demo_refuses_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIP_ENV", "production")
    monkeypatch.setenv("CTIP_SECRET_KEY", "k" * 48)
    monkeypatch.setenv("CTIP_SECURE_COOKIES", "true")
    get_settings.cache_clear()
    result = runner.invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 1 and "refuses production" in result.output


def test_unsafe_settings_are_reported_not_crashed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIP_ENV", "production")
    get_settings.cache_clear()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and "settings refused" in result.output
