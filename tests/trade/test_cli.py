"""`ctip trade ...` end to end: load, screen to a CSV, trace, and a detention to a decision."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.commands.common import store_session
from ctip.config import get_settings
from ctip.ingest import tables
from ctip.ingest.tables import Columns, Table
from ctip.model.errors import Conflict, InvalidInput
from ctip.trade.entries import all_lines
from tests.conftest import shared_data
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


def _stored_lines() -> list[tuple[str, int, str, str]]:
    with store_session() as session:
        return [
            (x.entry_number, x.line_number, x.country_of_origin, x.arrival_date)
            for x in all_lines(session)
        ]


def test_an_unreadable_value_is_stored_as_not_read_and_warned(tmp_path: Path) -> None:
    data = entry_csv(
        [raw_row(country_of_origin="Atlantis"), raw_row(line_number="2", arrival_date="7/16/2025")]
    )
    (tmp_path / "e.csv").write_bytes(data)
    report = tmp_path / "warnings.csv"
    strict = runner.invoke(app, ["trade", "entries", "load", str(tmp_path / "e.csv"), "--strict"])
    assert strict.exit_code == InvalidInput.exit_code
    assert "line 2" in strict.output and "ISO 3166" in strict.output
    assert _stored_lines() == []
    args = ["trade", "entries", "load", str(tmp_path / "e.csv"), "--warnings", str(report)]
    loaded = runner.invoke(app, args)
    assert loaded.exit_code == 0, loaded.output
    assert "loaded e.csv: 2 lines, 2 new" in loaded.output
    assert "country_of_origin" in loaded.output and "kept as written" in loaded.output
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [(r["row"], r["column"], r["value"]) for r in rows] == [
        ("2", "country_of_origin", "Atlantis")
    ]
    assert _stored_lines() == [
        ("ABC12345671", 1, "", "2025-03-04"),
        ("ABC12345671", 2, "VN", "2025-07-16"),
    ]


def test_a_row_with_an_unquoted_comma_is_refused_with_its_field_count(tmp_path: Path) -> None:
    header, row = entry_csv([raw_row()]).decode().splitlines()
    broken = tmp_path / "broken.csv"
    broken.write_text(
        f"{header}\n{row}\n{row.replace(',1,', ',2,', 1).replace('toys', 'toys, dolls')}\n"
    )
    result = runner.invoke(app, ["trade", "entries", "load", str(broken)])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 3: 16 fields, expected 15" in result.output
    assert _stored_lines() == []


def test_a_load_reads_the_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = tables.read_table

    def counted(data: bytes, file_name: str, columns: Columns) -> Table:
        calls.append(file_name)
        return real(data, file_name, columns)

    monkeypatch.setattr("ctip.trade.entries.read_table", counted)
    (tmp_path / "e.csv").write_bytes(entry_csv([raw_row()]))
    for command in (["entries", "load"], ["screen"]):
        calls.clear()
        result = runner.invoke(app, ["trade", *command, str(tmp_path / "e.csv")])
        assert result.exit_code == 0, result.output
        assert calls == ["e.csv"], command


def test_load_help_lists_the_columns_each_file_takes() -> None:
    result = runner.invoke(app, ["trade", "entries", "load", "--help"], terminal_width=200)
    text = " ".join(result.output.split())
    assert "required entry_number, line_number, importer, manufacturer" in text
    assert "optional manufacturer_address" in text and "port" in text


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


def test_trade_list_values_not_read_are_warned_and_strict_refuses(tmp_path: Path) -> None:
    odd = tmp_path / "uflpa.csv"
    odd.write_text("name,country,date_added\nA Co,Atlantis,6/21/2022\nB Co,cn,2022-6-21\n")
    args = ["trade", "lists", "load-uflpa", str(odd), "--name", "odd"]
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == InvalidInput.exit_code and "line 2" in strict.output
    report = tmp_path / "warnings.csv"
    kept = runner.invoke(app, [*args, "--warnings", str(report)])
    assert kept.exit_code == 0, kept.output
    assert "2 entries" in kept.output and "Atlantis" in kept.output
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [(r["row"], r["column"], r["value"]) for r in rows] == [("2", "country", "Atlantis")]


def test_the_dol_workbook_loads_as_a_tvpra_edition() -> None:
    workbook = shared_data("ilab_tvpra_list", "TVPRA2016_0.xlsx")
    loaded = runner.invoke(app, ["trade", "lists", "load-tvpra", str(workbook), "--name", "t16"])
    assert loaded.exit_code == 0, loaded.output
    assert "379 goods x place rules" in " ".join(loaded.output.split())


@pytest.mark.parametrize(
    ("command", "required"),
    [("load-wro", "date, entity, type"), ("load-uflpa", "name"), ("load-tvpra", "good, country")],
)
def test_trade_list_load_help_lists_the_columns(command: str, required: str) -> None:
    result = runner.invoke(app, ["trade", "lists", command, "--help"], terminal_width=200)
    assert f"Columns: required {required}; optional" in " ".join(result.output.split())
