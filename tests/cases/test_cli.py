"""`ctip cases ...` end to end: `open` prints the case number alone on its last line (other
tools rely on it), and the list prints in every format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _open(*extra: str) -> str:
    args = ["cases", "open", "--title", "Farm labour contractor", "--type", "labour_trafficking"]
    result = runner.invoke(app, [*args, "--opened", "2021-03-04", *extra])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_open_prints_the_number_alone_on_its_last_line_and_hsi_is_the_default() -> None:
    first = _open()
    second = _open("--office", "HSI Houston")
    other = _open("--office", "DOL OIG")
    assert (first, second, other) == ("HSI-2021-00001", "HSI-2021-00002", "DOL-2021-00001")
    listed = runner.invoke(app, ["cases", "list", "--fy", "2021", "--format", "json"])
    rows = json.loads(listed.output)
    assert [(r["case"], r["office"], r["status"]) for r in rows] == [
        ("HSI-2021-00002", "HSI Houston", "open"),
        ("HSI-2021-00001", "HSI", "open"),
        ("DOL-2021-00001", "DOL OIG", "open"),
    ]
    figures = runner.invoke(app, ["cases", "figures", "--fy", "2021", "--format", "json"])
    values = {r["metric"]: r["value"] for r in json.loads(figures.output)}
    assert values["hsi_cases_initiated"] == 2


def test_a_case_closed_from_the_command_line_and_bad_input_exits_with_its_code() -> None:
    number = _open()
    closed = runner.invoke(
        app,
        ["cases", "close", number, "--disposition", "insufficient evidence", "--on", "2021-05-01"],
    )
    assert closed.exit_code == 0 and "closed on 2021-05-01" in closed.output
    shown = runner.invoke(app, ["cases", "show", number])
    assert "status closed" in shown.output and "insufficient evidence" in shown.output
    again = runner.invoke(app, ["cases", "close", number, "--disposition", "again"])
    assert again.exit_code == 4
    bad = runner.invoke(app, ["cases", "open", "--title", "T", "--type", "smuggling"])
    assert bad.exit_code == 2 and "one of" in bad.output
    unknown = runner.invoke(app, ["cases", "show", "HSI-2021-09999"])
    assert unknown.exit_code == 3
