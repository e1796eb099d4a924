"""What every command shares: exit codes per error class, listings as table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
import typer
from typer.testing import CliRunner

from ctip.commands.common import (
    CtipGroup,
    FormatOption,
    OutputFormat,
    cell_text,
    csv_cell,
    print_rows,
)
from ctip.ingest.errors import FileRejected, RowError
from ctip.model.errors import Conflict, CtipError, Forbidden, InvalidInput, NotFound

runner = CliRunner()


def _cli_raising(error: Exception) -> typer.Typer:
    """A root group like `ctip`'s with one command that raises `error`."""
    root = typer.Typer(cls=CtipGroup)

    @root.command()
    def boom() -> None:
        raise error

    @root.command()
    def other() -> None:
        """Keeps `boom` a sub-command, as every real command is."""

    return root


@pytest.mark.parametrize(
    ("error", "exit_code"),
    [
        (InvalidInput("depth must be 1-3"), 2),
        (NotFound("no entity 'x'"), 3),
        (Conflict("already seized"), 4),
        (Forbidden("not yours"), 5),
        (CtipError("cannot"), 1),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_each_class_exits_with_its_code_and_message(error: CtipError, exit_code: int) -> None:
    result = runner.invoke(_cli_raising(error), ["boom"])
    assert result.exit_code == exit_code
    assert error.message in result.output
    assert "Traceback" not in result.output


def test_a_rejected_file_prints_every_row_before_exiting() -> None:
    rejected = FileRejected("ads.csv", [RowError(2, "no title"), RowError(5, "bad [phone]")])
    result = runner.invoke(_cli_raising(rejected), ["boom"])
    assert result.exit_code == InvalidInput.exit_code
    assert "ads.csv: line 2: no title" in result.output
    assert "ads.csv: line 5: bad [phone]" in result.output, "markup in data is printed as is"
    assert "2 bad row(s)" in result.output


def test_an_unexpected_error_is_not_dressed_as_the_users_fault() -> None:
    result = runner.invoke(_cli_raising(ValueError("a bug")), ["boom"])
    assert isinstance(result.exception, ValueError)


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formula_leads(lead: str) -> None:
    assert csv_cell(f"{lead}SUM(A1:A9)") == f"'{lead}SUM(A1:A9)"


def test_csv_keeps_ordinary_text_and_numbers() -> None:
    assert csv_cell("Nadia = Reyes") == "Nadia = Reyes"
    assert csv_cell(-3) == -3


def _listing(capsys: pytest.CaptureFixture[str], output: OutputFormat) -> str:
    rows = [("frontline_officer", "=cmd", 0.5), ("supervisor", "x" * 300, None)]
    print_rows(output, ("role", "note", "score"), rows)
    return capsys.readouterr().out


def test_csv_output_is_whole_and_safe(capsys: pytest.CaptureFixture[str]) -> None:
    rows = list(csv.reader(io.StringIO(_listing(capsys, OutputFormat.CSV))))
    assert rows == [
        ["role", "note", "score"],
        ["frontline_officer", "'=cmd", "0.5"],
        ["supervisor", "x" * 300, ""],
    ]


def test_json_output_is_one_array_of_full_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert json.loads(_listing(capsys, OutputFormat.JSON)) == [
        {"role": "frontline_officer", "note": "=cmd", "score": 0.5},
        {"role": "supervisor", "note": "x" * 300, "score": None},
    ]


def test_a_piped_table_is_as_wide_as_its_widest_row(capsys: pytest.CaptureFixture[str]) -> None:
    table = _listing(capsys, OutputFormat.TABLE)
    assert "x" * 300 in table and "frontline_officer" in table and "…" not in table


def test_table_cells_read_as_text() -> None:
    assert [cell_text(v) for v in (None, True, False, 0.25, 3.0, 12)] == [
        "",
        "yes",
        "",
        "0.25",
        "3",
        "12",
    ]


def test_format_option_defaults_to_table() -> None:
    root = typer.Typer(cls=CtipGroup)

    @root.command()
    def show(output: FormatOption = OutputFormat.TABLE) -> None:
        print(output.value)

    @root.command()
    def other() -> None:
        """A second command."""

    assert runner.invoke(root, ["show"]).output.strip() == "table"
    assert runner.invoke(root, ["show", "--format", "json"]).output.strip() == "json"
    assert runner.invoke(root, ["show", "--format", "xml"]).exit_code == 2
