"""Reading a CSV file's structure: the faults that reject a row, told apart from bad values.

A row is rejected only for what makes it unreadable as a row: the file is not UTF-8, a
required column is missing from the header, the row has more or fewer fields than the header
("16 fields, expected 15": an unquoted comma, say), or its id is empty or repeats an earlier
row. Everything else is a value problem (`ctip.ingest.values`): kept, warned, not evidence.

Each reader declares its columns (`Columns`): the required ones, the optional ones, and a
sentence each, so `--help` can list them and a header can be checked against them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ctip.ingest.errors import FileRejected, RowError

csv.field_size_limit(10_000_000)


@dataclass(frozen=True)
class Columns:
    """The columns a file takes: required first, then optional, with what each holds."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    meanings: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    id_column: str | None = "id"

    @property
    def known(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)

    def help_text(self) -> str:
        """The columns as `--help` prints them."""
        required = ", ".join(self.required)
        optional = ", ".join(self.optional) or "none"
        return f"Columns: required {required}; optional {optional}."

    def describe(self) -> list[tuple[str, str, str]]:
        """(column, required/optional, meaning) for a page or a table."""
        return [
            (c, "required" if c in self.required else "optional", self.meanings.get(c, ""))
            for c in self.known
        ]


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based line in the file (the header is line 1) and its cells."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class Table:
    """The rows a file holds that are whole rows, and the ones rejected for their structure."""

    header: tuple[str, ...]
    rows: list[Row]
    rejected: list[RowError]
    unknown_columns: tuple[str, ...] = ()


def header_name(text: str | None) -> str:
    """A header cell as a column name: trimmed, lower case, spaces as underscores."""
    return (text or "").strip().lower().replace(" ", "_").replace("-", "_")


def decode(data: bytes, file_name: str) -> str:
    """UTF-8 text (a byte-order mark allowed), or the file is refused as a whole."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reason = f"not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8"
        raise FileRejected(file_name, [RowError(line, reason)]) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise FileRejected(file_name, [RowError(line, "the file holds a NUL character")])
    return text


def _records(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line of the record, its fields) for every record, quoted newlines kept."""
    reader = csv.reader(lines)
    start = 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1


def read_table(data: bytes, file_name: str, columns: Columns) -> Table:
    """The file's header checked against `columns`, and each row whole or rejected.

    A missing required column rejects the whole file (line 1). A row with the wrong number
    of fields, an empty id or an id seen on an earlier line is rejected with its line;
    blank lines are skipped. Cells are trimmed.
    """
    try:
        records = _records(io.StringIO(decode(data, file_name), newline=""))
        first = next(records, None)
        if first is None:
            raise FileRejected(file_name, [RowError(1, "the file is empty: no header row")])
        header = tuple(header_name(h) for h in first[1])
        _check_header(header, file_name, columns)
        rows, rejected = _rows(records, header, columns)
    except csv.Error as error:
        raise FileRejected(file_name, [RowError(1, f"not a readable CSV ({error})")]) from None
    unknown = tuple(h for h in header if h and h not in columns.known)
    return Table(header, rows, rejected, unknown)


def _check_header(header: tuple[str, ...], file_name: str, columns: Columns) -> None:
    missing = [c for c in columns.required if c not in header]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    reasons = []
    if missing:
        reasons.append(
            f"missing column(s): {', '.join(missing)} (the file has {', '.join(header)}; "
            f"{columns.help_text()})"
        )
    if repeated:
        reasons.append(f"column(s) named twice: {', '.join(repeated)}")
    if reasons:
        raise FileRejected(file_name, [RowError(1, r) for r in reasons])


def _rows(
    records: Iterator[tuple[int, list[str]]], header: tuple[str, ...], columns: Columns
) -> tuple[list[Row], list[RowError]]:
    rows: list[Row] = []
    rejected: list[RowError] = []
    for item in _row_results(records, header, columns):
        if isinstance(item, RowError):
            rejected.append(item)
        else:
            rows.append(item)
    return rows, rejected


def _row_results(
    records: Iterator[tuple[int, list[str]]], header: tuple[str, ...], columns: Columns
) -> Iterator[Row | RowError]:
    """Each record as a whole row or as its rejection, in file order (blank lines skipped)."""
    first_line: dict[str, int] = {}
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            yield RowError(line, _count_reason(len(fields), len(header)))
            continue
        cells = {h: f.strip() for h, f in zip(header, fields, strict=True) if h}
        reason = _id_fault(cells, columns, first_line, line)
        yield RowError(line, reason) if reason else Row(line, cells)


def table_rows(lines: Iterable[str], file_name: str, columns: Columns) -> Iterator[Row | RowError]:
    """`read_table` for a file read line by line (`lines` as a file opened with
    `newline=""` gives them), so a file of a million rows is never held whole: the header is
    checked on the first step (a fault rejects the file, line 1), then each row comes whole
    or as its rejection, in file order, with the same reasons as `read_table` gives."""
    try:
        records = _records(lines)
        first = next(records, None)
        if first is None:
            raise FileRejected(file_name, [RowError(1, "the file is empty: no header row")])
        header = tuple(header_name(h) for h in first[1])
        _check_header(header, file_name, columns)
        yield from _row_results(records, header, columns)
    except csv.Error as error:
        raise FileRejected(file_name, [RowError(1, f"not a readable CSV ({error})")]) from None


def _count_reason(found: int, expected: int) -> str:
    hint = " (an unquoted comma in a value?)" if found > expected else ""
    return f"{found} fields, expected {expected}{hint}"


def _id_fault(
    cells: dict[str, str], columns: Columns, first_line: dict[str, int], line: int
) -> str | None:
    """Why the row's id makes it no row (empty, or seen before), or None."""
    for column in columns.required:
        if not cells.get(column):
            return f"{column} is empty"
    if columns.id_column is None:
        return None
    row_id = cells.get(columns.id_column, "")
    if not row_id:
        return f"{columns.id_column} is empty"
    if row_id in first_line:
        return f"{columns.id_column} {row_id!r} also on line {first_line[row_id]}"
    first_line[row_id] = line
    return None


def reject_rows(file_name: str, table: Table) -> None:
    """Refuse the file when any row was structurally bad (all or nothing on structure)."""
    if table.rejected:
        raise FileRejected(file_name, table.rejected)
