"""`ctip finance ...` end to end: load (CSV and AMLSim), scan, FLAGS.csv, show, sar."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from tests.conftest import shared_data
from tests.finance.conftest import fan_in_records

runner = CliRunner()


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_csv_load_scan_flag_show_and_sar(tmp_path: Path) -> None:
    accounts, txs = fan_in_records()
    (tmp_path / "a.csv").write_bytes(accounts)
    (tmp_path / "t.csv").write_bytes(txs)
    args = ["finance", "load", "--format", "csv", "--accounts", str(tmp_path / "a.csv")]
    loaded = runner.invoke(app, [*args, "--transactions", str(tmp_path / "t.csv")])
    assert loaded.exit_code == 0, loaded.output
    assert "18 accounts" in loaded.output and "46 transactions" in loaded.output
    again = runner.invoke(app, [*args, "--transactions", str(tmp_path / "t.csv")])
    assert "already loaded" in again.output
    scanned = runner.invoke(app, ["finance", "scan"])
    assert scanned.exit_code == 0 and "flagged" in scanned.output, scanned.output
    out = tmp_path / "FLAGS.csv"
    assert runner.invoke(app, ["finance", "flag", "--out", str(out)]).exit_code == 0
    rows = {r["account_id"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert list(next(iter(rows.values()))) == [
        "account_id",
        "score",
        "flagged",
        "typologies",
        "red_flags",
        "explanation",
    ]
    assert rows["HUB"]["flagged"] == "true" and rows["P9"]["flagged"] == "false"
    assert {r["flagged"] for r in rows.values()} == {"true", "false"}
    assert len(rows) == 18  # every account with a payment, merchants included
    shown = runner.invoke(app, ["finance", "show", "HUB"])
    assert "fan_in" in shown.output and "odd0" in shown.output
    pdf = tmp_path / "sar.pdf"
    assert runner.invoke(app, ["finance", "sar", "HUB", "--out", str(pdf)]).exit_code == 0
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "DRAFT" in text and "HUMAN TRAFFICKING FIN-2020-A008" in text
    assert runner.invoke(app, ["finance", "show", "nobody"]).exit_code == 3  # not found


def test_amlsim_folder_loads_and_flags_carry_the_ids_as_given(tmp_path: Path) -> None:
    folder = shared_data("amlsim", "sample_outputs_small")
    assert runner.invoke(app, ["finance", "load", "--format", "amlsim", str(folder)]).exit_code == 0
    assert runner.invoke(app, ["finance", "scan"]).exit_code == 0
    out = tmp_path / "FLAGS.csv"
    assert runner.invoke(app, ["finance", "flag", "--out", str(out)]).exit_code == 0
    ids = {r["account_id"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert "25" in ids and all(not i.startswith(("tx:", "branch:")) for i in ids)


def test_a_bad_format_or_missing_file_is_refused(tmp_path: Path) -> None:
    assert runner.invoke(app, ["finance", "load", "--format", "xls"]).exit_code == 1
    assert runner.invoke(app, ["finance", "load", "--format", "csv"]).exit_code == 1
