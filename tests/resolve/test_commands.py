"""`ctip resolve` and `ctip clusters`: a plain file to clusters, the store, judgements."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.model.errors import InvalidInput, NotFound
from ctip.store.db import Database
from tests.resolve.quality import write_csv

runner = CliRunner()
HEADER = ["id", "first_name", "last_name", "birth_date", "phone", "email", "source"]
PEOPLE = [
    ["1", "Ana", "Lima", "1990-01-02", "+5511987654321", "", "intake"],
    ["2", "Ana", "Lina", "1990-01-02", "+5511987654321", "", "tips"],
    ["3", "Beatriz", "Souza", "1985-07-30", "", "bia@example.org", "intake"],
    ["4", "Bea", "Souza", "1985-07-30", "", "bia@example.org", "cases"],
    ["5", "Carlos", "Reis", "1970-03-04", "", "", "intake"],
]


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'ctip.sqlite3'}"
    monkeypatch.setenv("CTIP_DATABASE_URL", url)
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _clusters(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as stream:
        return {row["id"]: row["cluster_id"] for row in csv.DictReader(stream)}


def test_a_file_resolves_to_id_and_cluster_id(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "people.csv", HEADER, PEOPLE)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["resolve", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = _clusters(out)
    assert list(found) == ["1", "2", "3", "4", "5"]
    assert found["1"] == found["2"] and found["3"] == found["4"]
    assert len({found["1"], found["3"], found["5"]}) == 3


def test_a_bad_file_names_each_row_and_writes_nothing(tmp_path: Path) -> None:
    rows = [
        *PEOPLE,
        ["5", "Dora", "Melo", "1991-02-03", "", "", ""],
        ["", "Eva", "", "", "", "", ""],
    ]
    source = write_csv(tmp_path / "people.csv", HEADER, rows)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["resolve", str(source), "--out", str(out)])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 7" in result.output and "'5'" in result.output
    assert "line 8" in result.output and "id is empty" in result.output
    assert not out.exists()


def test_store_resolution_then_judgement_show_and_history(store_in_tmp: str) -> None:
    database = Database(store_in_tmp)
    database.upgrade()
    lines = (
        b'{"id": "p-a", "schema": "Person", "properties": {"name": ["Ana Lima"], '
        b'"birthDate": ["1990-01-02"], "phone": ["+5511987654321"]}}\n'
        b'{"id": "p-b", "schema": "Person", "properties": {"name": ["Ana Lima"], '
        b'"birthDate": ["1990-01-02"], "phone": ["+5511987654321"]}}\n'
        b'{"id": "p-c", "schema": "Person", "properties": {"name": ["Carlos Reis"]}}\n'
    )
    with database.session() as session:
        import_ftm_bytes(session, lines, "people.ijson", "intake", "test")
    database.dispose()
    result = runner.invoke(app, ["resolve", "--store"])
    assert result.exit_code == 0, result.output
    assert "store-person" in result.output
    shown = runner.invoke(app, ["clusters", "show", "p-a"])
    assert shown.exit_code == 0, shown.output
    assert "p-b" in shown.output and "birth_date" in shown.output
    judged = runner.invoke(
        app, ["clusters", "judge", "p-a", "p-b", "--different", "--why", "twins"]
    )
    assert judged.exit_code == 0, judged.output
    assert "split" in judged.output
    history = runner.invoke(app, ["clusters", "history", "p-a"])
    assert "judged" in history.output
    missing = runner.invoke(app, ["clusters", "show", "nobody"])
    assert missing.exit_code == NotFound.exit_code


def test_the_clusters_file_writes_no_cell_a_spreadsheet_would_run(tmp_path: Path) -> None:
    people = [["=1+1", *PEOPLE[0][1:]], ["@SUM(A1)", *PEOPLE[1][1:]], *PEOPLE[2:]]
    source = write_csv(tmp_path / "people.csv", HEADER, people)
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["resolve", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = _clusters(out)
    assert list(found)[:3] == ["'=1+1", "'@SUM(A1)", "3"]
    assert found["'=1+1"] == found["'@SUM(A1)"], "the escape changes the cell, not the result"


BUSINESS_HEADER = ["id", "name", "address", "city", "phone", "source"]
BUSINESSES = [
    ["1", "Art's Delicatessen", "12224 Ventura Blvd.", "Studio City", "818/762-1221", "fodors"],
    ["2", "Arts Deli", "12224 Ventura Blvd", "Studio City", "818-762-1221", "zagat"],
    ["3", "Bel-Air Hotel", "701 Stone Canyon Rd.", "Bel Air", "310/788-", "fodors"],
    ["4", "Cafe Bizou", "14016 Ventura Blvd.", "Sherman Oaks", "100-813-8212", "zagat"],
]


def test_phones_read_with_a_region_and_broken_ones_are_warned_not_fatal(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "businesses.csv", BUSINESS_HEADER, BUSINESSES)
    out, warned = tmp_path / "clusters.csv", tmp_path / "warnings.csv"
    args = ["resolve", str(source), "--out", str(out), "--region", "US", "--schema"]
    result = runner.invoke(app, [*args, "organisation", "--warnings", str(warned)])
    assert result.exit_code == 0, result.output
    found = _clusters(out)
    assert found["1"] == found["2"] and len(found) == 4
    assert "310/788-" in warned.read_text(encoding="utf-8")
    strict = runner.invoke(app, [*args, "organisation", "--strict"])
    assert strict.exit_code == InvalidInput.exit_code and "Traceback" not in strict.output
