"""`ctip screen` end to end: load a list, screen a CSV of names, read the hits file."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import InvalidInput, NotFound

runner = CliRunner()
LIST_CSV = (
    "id,name,aliases,schema,country,birth_date\n"
    "E1,Xinjiang Huafu Textile Co. Ltd.,新疆华孚纺织有限公司,Company,cn,\n"
    "E2,Ivan Petrov,Иван Петров,Person,ru,1970-03-12\n"
)


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_screen_writes_hits_with_explanations(tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(LIST_CSV, encoding="utf-8")
    loaded = runner.invoke(app, ["lists", "load", str(listed), "--name", "team"])
    assert loaded.exit_code == 0, loaded.output
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "id,name,schema,country\nq1,新疆华孚纺织有限公司,Company,China\nq2,Someone Else,Person,\n",
        encoding="utf-8",
    )
    out = tmp_path / "hits.csv"
    args = ["screen", str(queries), "--list", "team", "--out", str(out), "--threshold", "0.7"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["query_id"], r["match"]) for r in rows] == [("q1", "true")]
    explanation = rows[0]["explanation"]
    assert "reaches the match threshold of 0.70" in explanation
    assert "Country agrees: China (CN) on both." in explanation


def test_bad_query_rows_are_reported_and_nothing_is_screened(tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text("id,name\nq1,\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = runner.invoke(app, ["screen", str(queries), "--list", "team", "--out", str(out)])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 2: name is empty" in result.output
    assert not out.exists()


def test_unknown_list_fails_loudly(tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text("id,name\nq1,Ivan Petrov\n", encoding="utf-8")
    out = tmp_path / "hits.csv"
    result = runner.invoke(app, ["screen", str(queries), "--list", "nope", "--out", str(out)])
    assert result.exit_code == NotFound.exit_code
    assert "nope" in result.output


def _load_team(tmp_path: Path) -> None:
    listed = tmp_path / "list.csv"
    listed.write_text(LIST_CSV, encoding="utf-8")
    loaded = runner.invoke(app, ["lists", "load", str(listed), "--name", "team"])
    assert loaded.exit_code == 0, loaded.output


def test_hits_name_the_query_the_listed_party_and_the_alias_matched(tmp_path: Path) -> None:
    _load_team(tmp_path)
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "id,name,schema,birth_date\nq1,新疆华孚纺织有限公司,Company,\n"
        "q2,Ivan Petrov,Person,12.03.1970\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["screen", str(queries), "--list", "TEAM", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = {r["query_id"]: r for r in json.loads(result.stdout)}
    assert records["q1"] | {"explanation": "", "score": 0} == {
        "query_id": "q1",
        "query_name": "新疆华孚纺织有限公司",
        "list": "team",
        "edition": records["q1"]["edition"],
        "entity_id": "E1",
        "listed_name": "Xinjiang Huafu Textile Co. Ltd.",
        "matched_alias": "新疆华孚纺织有限公司",
        "score": 0,
        "match": True,
        "explanation": "",
    }
    assert records["q2"]["entity_id"] == "E2"
    assert records["q2"]["match"] is True


def test_hits_go_to_stdout_as_csv_with_the_contract_columns(tmp_path: Path) -> None:
    _load_team(tmp_path)
    queries = tmp_path / "queries.csv"
    queries.write_text("id,name\nq1,Ivan Petrov\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", str(queries), "--list", "team"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["query_id"] == "q1" and rows[0]["entity_id"] == "E2"
    assert rows[0]["match"] in ("true", "false") and float(rows[0]["score"]) > 0


def test_an_unknown_list_suggests_the_closest(tmp_path: Path) -> None:
    _load_team(tmp_path)
    queries = tmp_path / "queries.csv"
    queries.write_text("id,name\nq1,Ivan Petrov\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", str(queries), "--list", "teem"])
    assert result.exit_code == NotFound.exit_code
    assert "did you mean team?" in result.output


def test_unreadable_values_are_warned_and_the_rest_is_screened(tmp_path: Path) -> None:
    _load_team(tmp_path)
    queries = tmp_path / "queries.csv"
    queries.write_text(
        "id,name,schema,birth_date\nq1,Ivan Petrov,Person,1970-3-12\nq2,Ann Lee,Person,someday\n",
        encoding="utf-8",
    )
    report = tmp_path / "warnings.csv"
    out = tmp_path / "hits.csv"
    args = ["screen", str(queries), "--list", "team", "--out", str(out)]
    result = runner.invoke(app, [*args, "--warnings", str(report)])
    assert result.exit_code == 0, result.output
    assert "line 3, birth_date" in result.output
    (warned,) = csv.DictReader(report.open(encoding="utf-8"))
    assert warned["value"] == "someday"
    hits = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(h["query_id"], h["match"]) for h in hits] == [("q1", "true")]
    strict = runner.invoke(app, [*args, "--strict"])
    assert strict.exit_code == InvalidInput.exit_code
    assert "line 3: birth_date" in strict.output


def test_the_help_lists_the_columns() -> None:
    result = runner.invoke(app, ["screen", "--help"])
    assert "required id, name" in result.output
    assert "birth_date" in result.output
