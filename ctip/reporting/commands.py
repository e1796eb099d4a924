"""`ctip report fy YEAR`: the fiscal-year report as a table, JSON, CSV, HTML or PDF.

`--format json` prints only the JSON on standard output (other tools read it); anything said
to people (figures no area declares yet, where a file went) goes to standard error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from ctip.commands.common import cli_actor, console, errors, fail, store_session
from ctip.reporting import exports, report
from ctip.reporting.report import Report, display

app = typer.Typer(help="The fiscal-year report, computed from the records.", no_args_is_help=True)


class ReportFormat(StrEnum):
    """How the report is written."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    HTML = "html"
    PDF = "pdf"


def _print_table(made: Report) -> None:
    year = made.fiscal_year
    table = Table("Figure", f"FY{year}", f"FY{year - 1}", "Records", title=f"FY{year}")
    for f in made.figures:
        current, prior = display(f.value, f.is_money), display(f.prior_year_value, f.is_money)
        table.add_row(escape(f.label), current, prior, escape(f.records))
    console.print(table)


def _write(made: Report, output: ReportFormat, out: Path | None) -> None:
    if output is ReportFormat.PDF:
        if out is None:
            raise fail("a PDF needs --out FILE", 2)
        out.write_bytes(exports.pdf_bytes(made))
        errors.print(f"wrote {escape(str(out))}", highlight=False)
        return
    text = {
        ReportFormat.JSON: exports.json_text,
        ReportFormat.CSV: exports.csv_text,
        ReportFormat.HTML: exports.html_document,
    }[output](made)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")
        errors.print(f"wrote {escape(str(out))}", highlight=False)


@app.command("fy")
def fiscal_year(
    year: Annotated[int, typer.Argument(help="the fiscal year, e.g. 2021 (Oct 2020 - Sep 2021)")],
    output: Annotated[
        ReportFormat, typer.Option("--format", help="table, json, csv, html or pdf")
    ] = ReportFormat.TABLE,
    out: Annotated[
        Path | None, typer.Option("--out", help="write to this file (required for pdf)")
    ] = None,
) -> None:
    """Every figure for the year and the year before, computed from the records now."""
    if output is ReportFormat.PDF and out is None:
        raise fail("a PDF needs --out FILE", 2)
    with store_session() as session:
        made = report.read(session, report.check_year(year), cli_actor(), "cli")
    if made.missing:
        errors.print(f"not yet computed by any area: {', '.join(made.missing)}", highlight=False)
    if output is ReportFormat.TABLE:
        _print_table(made)
    else:
        _write(made, output, out)
