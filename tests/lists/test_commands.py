"""`ctip lists ...` and `ctip trade lists ...` end to end on a temporary SQLite store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import InvalidInput, NotFound
from tests.conftest import shared_data

runner = CliRunner()
HEADER = "id,name,aliases,schema,country,birth_date,address\n"


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_list_show_diff(tmp_path: Path) -> None:
    v1 = write(
        tmp_path, "v1.csv", HEADER + "A1,Acme Textiles,,Company,cn,,\nB1,Blue Reef,,Vessel,,,\n"
    )
    v2 = write(
        tmp_path, "v2.csv", HEADER + "A1,Acme Textiles,Acme,Company,cn,,\nC1,Coral Star,,,,,\n"
    )
    first = runner.invoke(app, ["lists", "load", str(v1), "--name", "team", "--edition", "v1"])
    assert first.exit_code == 0, first.output
    assert "2 entries" in first.output
    again = runner.invoke(app, ["lists", "load", str(v1), "--name", "team", "--edition", "v1"])
    assert "nothing changed" in again.output
    assert (
        runner.invoke(
            app, ["lists", "load", str(v2), "--name", "team", "--edition", "v2"]
        ).exit_code
        == 0
    )
    listed = runner.invoke(app, ["lists", "list"])
    assert "team" in listed.output and "v2" in listed.output
    shown = runner.invoke(app, ["lists", "show", "team", "--edition", "v1"])
    assert "Blue Reef" in shown.output
    diff = runner.invoke(app, ["lists", "diff", "team", "v1", "v2"])
    assert diff.exit_code == 0, diff.output
    assert "1 added, 1 removed, 1 changed" in diff.output
    as_json = runner.invoke(app, ["lists", "diff", "team", "v1", "v2", "--format", "json"])
    changes = json.loads(as_json.stdout)
    assert sorted(c["change"] for c in changes) == ["added", "changed", "removed"]


def test_a_list_name_in_capitals_is_the_same_list(tmp_path: Path) -> None:
    v1 = write(tmp_path, "v1.csv", HEADER + "A1,Acme Textiles,,Company,cn,,\n")
    loaded = runner.invoke(app, ["lists", "load", str(v1), "--name", "Team-Watch"])
    assert loaded.exit_code == 0, loaded.output
    assert "loaded team-watch edition" in loaded.output
    again = runner.invoke(app, ["lists", "load", str(v1), "--name", "TEAM-WATCH"])
    assert "nothing changed" in again.output
    assert "Acme Textiles" in runner.invoke(app, ["lists", "show", "team-watch"]).output


def test_bad_file_exits_with_rows_and_an_unknown_list_is_not_found(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", HEADER + "A1,,,Company,,,\n")
    result = runner.invoke(app, ["lists", "load", str(bad), "--name", "team"])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 2" in result.output and "nothing was loaded" in result.output
    unknown = runner.invoke(app, ["lists", "show", "never-loaded"])
    assert unknown.exit_code == NotFound.exit_code and "never-loaded" in unknown.output


def test_trade_lists_commands(tmp_path: Path) -> None:
    sample = runner.invoke(app, ["trade", "lists", "load-uflpa", "--sample"])
    assert sample.exit_code == 0, sample.output
    assert "20 entries" in sample.output
    tvpra = shared_data("ilab_tvpra_list", "tvpra_goods_by_country_2023snapshot.csv")
    loaded = runner.invoke(app, ["trade", "lists", "load-tvpra", str(tvpra), "--edition", "2023"])
    assert loaded.exit_code == 0, loaded.output
    assert "467 goods x place rules" in loaded.output
    old = shared_data("ilab_tvpra_list", "tvpra_2016_official.csv")
    diff = runner.invoke(app, ["trade", "lists", "tvpra-diff", str(old), str(tvpra)])
    assert diff.exit_code == 0, diff.output
    assert "+ Polysilicon / China" in diff.output
    orders = write(
        tmp_path,
        "wro.csv",
        "date,country,entity,merchandise,status,type\n"
        "2021-01-13,China,Xinjiang Uyghur Autonomous Region (XUAR),Cotton,Active,WRO\n"
        "2020-11-30,China,Xinjiang Production and Construction Corporation (XPCC) "
        "and its subordinates,Cotton,Active,WRO\n",
    )
    wro = runner.invoke(app, ["trade", "lists", "load-wro", str(orders)])
    assert wro.exit_code == 0, wro.output
    assert "1 entries, 1 goods x place rules" in wro.output


def test_an_official_edition_is_approved_by_someone_other_than_its_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edition = write(tmp_path, "u.csv", "id,name\nu1,Listed Co\n")
    loaded = runner.invoke(
        app, ["lists", "load", str(edition), "--name", "uflpa", "--edition", "e1"]
    )
    assert loaded.exit_code == 0, loaded.output
    own = runner.invoke(app, ["lists", "approve", "uflpa", "e1", "--why", "mine"])
    assert own.exit_code == 5 and "another person must decide" in own.output
    assert "--why" in runner.invoke(app, ["lists", "approve", "uflpa", "e1"]).output
    monkeypatch.setattr("getpass.getuser", lambda: "checker")
    approved = runner.invoke(app, ["lists", "approve", "uflpa", "e1", "--why", "checked"])
    assert approved.exit_code == 0, approved.output
    shown = runner.invoke(app, ["lists", "editions", "uflpa", "--format", "json"])
    assert json.loads(shown.stdout)[0]["status"] == "approved"
    assert json.loads(shown.stdout)[0]["decided by"] == "cli:checker"


def test_load_keeps_entries_with_unreadable_values_and_warns_or_refuses_when_strict(
    tmp_path: Path,
) -> None:
    listed = write(
        tmp_path,
        "messy.csv",
        HEADER + "P1,Ann Lee,,Person,Atlantis,1969-7-16,\nP2,Bo Chan,,Person,cn,someday,\n",
    )
    args = ["lists", "load", str(listed), "--name", "team"]
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == InvalidInput.exit_code
    assert "line 2: country" in strict.output and "line 3: birth_date" in strict.output
    report = tmp_path / "warnings.csv"
    loaded = runner.invoke(app, [*args, "--warnings", str(report)])
    assert loaded.exit_code == 0, loaded.output
    assert "2 entries" in loaded.output
    assert "line 2, country" in loaded.output
    assert report.read_text(encoding="utf-8").count("\n") == 3
    shown = runner.invoke(app, ["lists", "show", "team", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    entries = {e["entry"]: e for e in json.loads(shown.stdout)}
    assert (entries["P1"]["countries"], entries["P2"]["countries"]) == ("", "cn")


def test_load_help_lists_the_columns() -> None:
    result = runner.invoke(app, ["lists", "load", "--help"])
    assert "required id, name" in result.output
