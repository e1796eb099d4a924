"""`ctip trade ...` end to end: load, screen to a CSV, trace, and a detention to a decision."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import Conflict, InvalidInput
from tests.trade.conftest import entry_csv, raw_row

runner = CliRunner()


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_screen_trace_and_detain_from_the_command_line(tmp_path: Path) -> None:
    lines = tmp_path / "entries.csv"
    lines.write_bytes(
        entry_csv([raw_row(manufacturer_address="Hotan, Xinjiang"), raw_row(line_number="2")])
    )
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "buyer,supplier,material,supplier_country,supplier_address\n"
        "Saigon Knitwear JSC,Hotan Mill,yarn,CN,Hotan\n"
    )
    assert runner.invoke(app, ["trade", "suppliers", "load", str(suppliers)]).exit_code == 0
    out = tmp_path / "decisions.csv"
    screened = runner.invoke(app, ["trade", "screen", str(lines), "--out", str(out)])
    assert screened.exit_code == 0, screened.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["line_number"], r["decision"]) for r in rows] == [("1", "detain"), ("2", "review")]
    assert "xuar_address" in rows[0]["features"] and "tier 2" in rows[1]["explanation"]
    traced = runner.invoke(app, ["trade", "trace", "Saigon Knitwear JSC"])
    assert "nearest flagged: tier 2 Hotan Mill" in traced.output
    det = "DET-ABC12345671-001"
    opened = runner.invoke(
        app, ["trade", "detentions", "open", "ABC12345671", "1", "--reason", "XUAR"]
    )
    assert opened.exit_code == 0 and det in opened.output
    decided = runner.invoke(
        app, ["trade", "detentions", "decide", det, "seized", "--reason", "forfeit"]
    )
    assert decided.exit_code == 0 and "seized" in decided.output
    twice = runner.invoke(app, ["trade", "detentions", "decide", det, "released", "--reason", "x"])
    assert twice.exit_code == Conflict.exit_code and "already seized" in twice.output


def test_a_bad_file_names_the_row_and_stores_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(entry_csv([raw_row(country_of_origin="Atlantis")]))
    result = runner.invoke(app, ["trade", "entries", "load", str(bad)])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 2" in result.output and "ISO 3166" in result.output


def test_a_watchlist_counts_only_when_the_person_screening_chooses_it(tmp_path: Path) -> None:
    lines = tmp_path / "entries.csv"
    lines.write_bytes(entry_csv([raw_row(manufacturer="Quiet Harbour Trading Ltd")]))
    watchlist = tmp_path / "team.csv"
    watchlist.write_text("id,name\nq1,Quiet Harbour Trading Ltd\n", encoding="utf-8")
    loaded = runner.invoke(app, ["lists", "load", str(watchlist), "--name", "team"])
    assert loaded.exit_code == 0, loaded.output
    out = tmp_path / "decisions.csv"
    plain = runner.invoke(app, ["trade", "screen", str(lines), "--out", str(out)])
    assert plain.exit_code == 0, plain.output
    assert "manufacturer_listed" not in out.read_text(encoding="utf-8")
    chosen = runner.invoke(
        app, ["trade", "screen", str(lines), "--out", str(out), "--list", "team"]
    )
    assert chosen.exit_code == 0, chosen.output
    assert "manufacturer_listed" in out.read_text(encoding="utf-8")
    unknown = runner.invoke(app, ["trade", "screen", str(lines), "--list", "nope"])
    assert unknown.exit_code == 3 and "nope" in unknown.output
