"""`ctip outreach ...`: the add presentation contract (the new id alone on the last line)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.model.errors import InvalidInput

runner = CliRunner()


@pytest.fixture(autouse=True)
def store_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def _add(*extra: str) -> str:
    result = runner.invoke(
        app,
        ["outreach", "add", "presentation", "--title", "T", "--on", "2021-03-04", *extra],
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_add_presentation_prints_the_new_id_alone_on_its_last_line() -> None:
    first = _add("--attendees", "40")
    second = _add("--attendees", "12", "--component", "TSA")
    assert first.isdigit() and second.isdigit() and int(second) == int(first) + 1
    listed = runner.invoke(app, ["outreach", "list", "--fy", "2021", "--format", "csv"])
    lines = listed.output.strip().splitlines()
    assert lines[0].startswith("id,held_on,kind,component")
    assert {line.split(",")[3] for line in lines[1:]} == {"Blue Campaign", "TSA"}


def test_a_bad_date_exits_with_the_invalid_input_code() -> None:
    result = runner.invoke(
        app,
        ["outreach", "add", "presentation", "--title", "T", "--on", "March", "--attendees", "4"],
    )
    assert result.exit_code == InvalidInput.exit_code
    assert "date" in result.output


def test_load_reports_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("kind,title,date,attendees\npresentation,T,2021-01-01,x\n")
    result = runner.invoke(app, ["outreach", "load", "activities", str(path)])
    assert result.exit_code == InvalidInput.exit_code
    assert "line 2: column attendees" in result.output
