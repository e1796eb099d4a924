"""What every `ctip` command shares: the consoles, the one mapping of errors to exit codes,
listings as a table, CSV or JSON, readable `--help`, the settings, the database migrated to
head and a transaction on it, the actor the audit log names, and a progress bar.

Area command modules import these; nothing here imports an area or `ctip.cli`. The root
group, the consoles and the error mapping live in `ctip.commands.group` (cheap to import, for
`ctip --help`) and are re-exported here.
"""

from __future__ import annotations

import csv
import getpass
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table
from sqlalchemy.orm import Session

from ctip.commands.group import CtipGroup as CtipGroup  # re-exported: cheap at start
from ctip.commands.group import console as console
from ctip.commands.group import errors as errors
from ctip.commands.group import fail as fail
from ctip.commands.group import readable_help as readable_help
from ctip.commands.group import reports_errors as reports_errors
from ctip.config import Settings, get_settings
from ctip.ingest.values import ValueWarning, check_region, summarise, warnings_csv
from ctip.model.csvsafe import safe_text
from ctip.store.db import Database

Cell = str | int | float | bool | Decimal | date | None
"""One value of a listing: kept whole for CSV and JSON, shown as text in a table."""

MAX_PIPED_WIDTH = 100_000
"""Wide enough for any row of a piped table (rich needs a bound to measure against)."""


class OutputFormat(StrEnum):
    """How a listing is printed: a table for people, CSV or JSON for other tools."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format", help="table for reading; csv and json keep every value whole, for tools"
    ),
]


def print_rows(
    output: OutputFormat,
    columns: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    title: str | None = None,
) -> None:
    """Print a listing; CSV and JSON are never cut, a table is cut only to fit a terminal."""
    rows = list(rows)
    if output is OutputFormat.CSV:
        _print_csv(columns, rows)
    elif output is OutputFormat.JSON:
        _print_json(columns, rows)
    else:
        _print_table(columns, rows, title)


def _print_table(columns: Sequence[str], rows: list[Sequence[Cell]], title: str | None) -> None:
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*(escape(cell_text(cell)) for cell in row))
    if console.is_terminal:
        console.print(table)
        return
    # Piped or redirected: as wide as the widest row, so no cell is ever cut.
    unbounded = console.options.update_width(MAX_PIPED_WIDTH)
    width = Measurement.get(console, unbounded, table).maximum
    Console(file=sys.stdout, width=max(width, console.width)).print(table)


def cell_text(cell: Cell) -> str:
    """A cell as a person reads it: floats without trailing zeros, booleans as yes or blank."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else ""
    if isinstance(cell, float):
        return f"{cell:.4f}".rstrip("0").rstrip(".")
    return str(cell)


def _print_csv(columns: Sequence[str], rows: list[Sequence[Cell]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)


def csv_cell(cell: Cell) -> Cell:
    """A CSV cell no spreadsheet runs as a formula (`ctip.model.csvsafe`); numbers stay whole."""
    return safe_text(cell) if isinstance(cell, str) else cell


def _print_json(columns: Sequence[str], rows: list[Sequence[Cell]]) -> None:
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=2, default=_json_value))
    sys.stdout.write("\n")


def _json_value(value: object) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"no JSON form for {type(value).__name__}")


def load_settings() -> Settings:
    """The settings, or a readable refusal when they are unsafe or invalid."""
    try:
        return get_settings()
    except ValidationError as error:
        messages = "; ".join(str(e["msg"]) for e in error.errors())
        raise fail(f"settings refused: {messages}") from None


def cli_actor() -> str:
    """Who the audit log names for a command run at this terminal."""
    return f"cli:{getpass.getuser()}"


@contextmanager
def open_database() -> Iterator[Database]:
    """The configured database, migrated to head."""
    database = Database(load_settings().database_url)
    database.upgrade()
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def store_session(nothing_done: str = "nothing was stored") -> Iterator[Session]:
    """One transaction on the configured database, migrated to head.

    A refusal rolls the transaction back, then prints and exits with its class's code,
    saying `nothing_done` after a rejected file's bad rows.
    """
    with open_database() as database, reports_errors(nothing_done), database.session() as session:
        yield session


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A transient progress bar on standard error (standard output stays for results)."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        yield progress


MAX_PRINTED_WARNINGS = 20
"""Warnings printed one by one on the console; the rest are in the `--warnings` file."""

RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="country (ISO alpha-2, e.g. US) phones without a country code are dialled in; "
        "default: CTIP_DEFAULT_REGION",
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="refuse the whole file when any value cannot be read (default: keep the value as "
        "written, do not use it as evidence, and warn)",
    ),
]
WarningsOption = Annotated[
    Path | None,
    typer.Option(
        "--warnings",
        dir_okay=False,
        help="write every value that could not be read (row, column, value, reason) to this CSV",
    ),
]


def default_region(region: str | None) -> str | None:
    """The phone region of this run: `--region`, else CTIP_DEFAULT_REGION, checked."""
    return check_region(region or load_settings().default_region)


def report_warnings(
    file_name: str, warnings: Sequence[ValueWarning], out: Path | None = None
) -> None:
    """Tell the person which values were kept as written and not used: on standard error,
    the first few one by one and a summary; every one in `out` when given."""
    if out is not None:
        out.write_text(warnings_csv(warnings), encoding="utf-8")
    if not warnings:
        return
    for warning in warnings[:MAX_PRINTED_WARNINGS]:
        errors.print(f"{escape(file_name)}: warning: {escape(str(warning))}", highlight=False)
    where = f"; all in {out}" if out is not None else "; --warnings FILE writes them all"
    errors.print(f"{escape(file_name)}: {escape(summarise(warnings, 0))}{where}", highlight=False)
