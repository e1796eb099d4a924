"""Reading the forced-labour list files (CSV, or the XLSX CBP publishes) the forgiving way.

The shared machinery (`ctip.ingest.tables`, `ctip.ingest.values`) decides what rejects a row:
only what makes it no row (a wrong field count, "16 fields, expected 15"; a missing required
column or cell; bad encoding; an id seen before). A value that cannot be read (a date, a
country, a section) keeps its entry: it is left out of the evidence, kept as written in the
entry's extra fields ("as written: date_added"), and reported as a warning; `--strict`
refuses the file instead. This module adds what the trade lists share: reading an XLSX sheet
into the same rows, and the checks each list applies to its ids.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.tables import Columns, Row, Table, header_name, read_table, reject_rows
from ctip.ingest.values import RowValues
from ctip.lists.readers import UNREAD_PREFIX
from ctip.matching.types import ListEntry

LIST_DATE_REGION = "US"
"""The US agencies that publish these lists write dates month first (9/30/2019)."""


def is_xlsx(data: bytes) -> bool:
    """XLSX files are zip archives."""
    return data.startswith(b"PK\x03\x04")


def list_rows(data: bytes, file_name: str, columns: Columns) -> list[Row]:
    """The whole rows of a list file (CSV or XLSX); any row that is no row rejects the file."""
    return list_table(data, file_name, columns).rows


def list_table(data: bytes, file_name: str, columns: Columns) -> Table:
    """A list file (CSV or XLSX) as a table of whole rows; a row that is no row rejects it."""
    table = (
        xlsx_table(data, file_name, columns)
        if is_xlsx(data)
        else read_table(data, file_name, columns)
    )
    reject_rows(file_name, table)
    if not table.rows:
        raise FileRejected(file_name, [RowError(1, "the file holds no rows after its header")])
    return table


def xlsx_table(data: bytes, file_name: str, columns: Columns) -> Table:
    """The first sheet of a workbook as a table: header checked, cells as text, blank rows
    skipped, a row missing a required cell rejected."""
    sheet = _sheet_rows(data, file_name)
    header = tuple(header_name(_cell_text(h)) for h in sheet[0])
    missing = [c for c in columns.required if c not in header]
    if missing:
        reason = f"missing column(s): {', '.join(missing)} ({columns.help_text()})"
        raise FileRejected(file_name, [RowError(1, reason)])
    rows, rejected = [], []
    for number, values in enumerate(sheet[1:], start=2):
        cells = {h: _cell_text(v) for h, v in zip(header, values, strict=False) if h}
        if not any(cells.values()):
            continue
        empty = [c for c in columns.required if not cells.get(c)]
        if empty:
            rejected.append(RowError(number, f"{empty[0]} is empty"))
            continue
        rows.append(Row(number, cells))
    unknown = tuple(h for h in header if h and h not in columns.known)
    return Table(header, rows, rejected, unknown)


def _sheet_rows(data: bytes, file_name: str) -> list[tuple[object, ...]]:
    try:
        from openpyxl import load_workbook  # loaded for a spreadsheet only, not at start

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        reason = f"not a readable XLSX workbook ({error})"
        raise FileRejected(file_name, [RowError(1, reason)]) from None
    if not rows:
        raise FileRejected(file_name, [RowError(1, "the sheet is empty")])
    return rows


def _cell_text(value: object) -> str:
    """A cell as text; a spreadsheet date as ISO."""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else " ".join(str(value).split())


def kept_as_written(values: RowValues, first: int) -> dict[str, str]:
    """The values of a row that could not be read (its warnings from `first` on), by column,
    as written: they ride in the entry's extra fields, never in its evidence."""
    kept: dict[str, list[str]] = {}
    for warning in values.warnings[first:]:
        if warning.value:
            kept.setdefault(warning.column, []).append(warning.value)
    return {f"{UNREAD_PREFIX}{column}": "; ".join(v) for column, v in kept.items()}


def unique_entries(read: Iterable[tuple[int, ListEntry]], file_name: str) -> list[ListEntry]:
    """The entries in file order; an id that repeats an earlier row rejects the file."""
    entries: dict[str, ListEntry] = {}
    first_row: dict[str, int] = {}
    errors = []
    for row, entry in read:
        if entry.entry_id in first_row:
            errors.append(
                RowError(row, f"id {entry.entry_id!r} also on row {first_row[entry.entry_id]}")
            )
            continue
        first_row[entry.entry_id] = row
        entries[entry.entry_id] = entry
    if errors:
        raise FileRejected(file_name, errors)
    return list(entries.values())
