"""`ctip protection ...` keeps the contract other tools rely on: the new record's id alone on
the last line, and `deadlines --format json` JSON only on standard output."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from tests.protection.conftest import MARKER, MARKER_BITS

runner = CliRunner()


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    monkeypatch.setenv("CTIP_NEW_PASSWORD", "a-long-enough-password")
    get_settings.cache_clear()
    assert (
        runner.invoke(app, ["users", "add", "maria", "--role", "victim_specialist"]).exit_code == 0
    )
    yield path
    get_settings.cache_clear()


def _last_line(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def test_add_request_decide_and_the_deadlines_json(tmp_path: Path) -> None:
    victim = _last_line(
        [
            "protection",
            "victims",
            "add",
            "--name",
            MARKER,
            "--birth-date",
            "1994-03-02",
            "--case",
            "HSI-2021-00042",
            "--assign",
            "maria",
            "--identified-on",
            "2021-03-04",
        ]
    )
    assert victim == "V-2021-0001"
    granted_on = (date.today() - timedelta(days=700)).isoformat()
    cp = _last_line(
        [
            "protection",
            "relief",
            "request",
            victim,
            "--kind",
            "continued-presence",
            "--on",
            granted_on,
            "--agency",
            "HSI Houston",
        ]
    )
    assert cp.startswith("CP-") and cp == cp.strip()
    decided = runner.invoke(
        app, ["protection", "relief", "decide", cp, "--granted", "--on", granted_on]
    )
    assert decided.exit_code == 0 and "granted" in decided.stdout
    result = runner.invoke(app, ["protection", "deadlines", "--format", "json"])
    assert result.exit_code == 0
    found = json.loads(result.stdout)
    by_deadline = {d["deadline"]: d for d in found}
    expiry = by_deadline["continued_presence_expiry"]
    assert (expiry["victim"], expiry["relief"], expiry["kind"]) == (
        victim,
        cp,
        "continued-presence",
    )
    assert date.fromisoformat(expiry["due"]) == date.fromisoformat(granted_on).replace(
        year=date.fromisoformat(granted_on).year + 2
    )
    assert by_deadline["continued_presence_renewal_window"]["overdue"] is True
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("cli.sqlite3*"))
    assert not any(bit.encode() in raw for bit in MARKER_BITS)


def test_show_opens_the_identity_only_when_asked_and_audits_it() -> None:
    victim = _last_line(["protection", "victims", "add", "--name", MARKER, "--assign", "maria"])
    plain = runner.invoke(app, ["protection", "victims", "show", victim])
    assert plain.exit_code == 0 and MARKER not in plain.stdout and "maria" in plain.stdout
    opened = runner.invoke(app, ["protection", "victims", "show", victim, "--identity"])
    assert opened.exit_code == 0 and MARKER in opened.stdout
    log = runner.invoke(app, ["audit", "list", "--format", "csv"])
    if log.exit_code == 0:
        assert "protected.read" in log.stdout and MARKER not in log.stdout


def test_t_visa_steps_and_refusals_from_the_command_line() -> None:
    victim = _last_line(["protection", "victims", "add", "--name", MARKER, "--assign", "maria"])
    t = _last_line(["protection", "relief", "request", victim, "--kind", "t-visa"])
    assert t.startswith("TV-")
    filed = runner.invoke(
        app, ["protection", "relief", "record", t, "--step", "filed", "--receipt", "EAC2690012345"]
    )
    assert filed.exit_code == 0 and "filed" in filed.stdout
    assert runner.invoke(app, ["protection", "relief", "decide", t, "--denied"]).exit_code == 0
    again = runner.invoke(app, ["protection", "relief", "decide", t, "--granted"])
    assert again.exit_code == 4  # Conflict: already decided
    unknown = runner.invoke(
        app, ["protection", "relief", "request", "V-1999-0009", "--kind", "t-visa"]
    )
    assert unknown.exit_code == 3
    shown = runner.invoke(app, ["protection", "relief", "show", t, "--format", "json"])
    assert json.loads(shown.stdout)["status"] == "denied"
    bad = runner.invoke(
        app,
        [
            "protection",
            "victims",
            "add",
            "--name",
            MARKER,
            "--assign",
            "maria",
            "--birth-date",
            "someday",
        ],
    )
    assert bad.exit_code == 2 and MARKER not in bad.output


def test_the_htcds_export_carries_no_identity() -> None:
    _last_line(
        [
            "protection",
            "victims",
            "add",
            "--name",
            MARKER,
            "--assign",
            "maria",
            "--exploitation",
            "ForcedLabour",
            "--control",
            "Debt bondage",
        ]
    )
    out = runner.invoke(app, ["protection", "victims", "export"])
    assert out.exit_code == 0 and MARKER not in out.stdout
    header, row = out.stdout.strip().splitlines()
    assert header.startswith("vic_Pseudonym,vic_DateIdentified,vic_TraffickingStatus")
    assert "ForcedLabour" in row and "DebtBondage" in row
