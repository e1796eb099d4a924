"""Import entry lines (CBP Form 7501 lines) read from CSV: every field checked, all or nothing.

A trade officer screens what the importer declared, so a line whose required fields cannot
be read exactly (an HTS code that is not ten digits, a country nobody can read, a value that
is not money) is refused with its row number rather than guessed at. Optional columns
(addresses, seller, shipper, description, unit, port) may be left out of the file; an
optional value that cannot be read (a port that is not a 4-digit code) is left blank and
warned about. A row with more or fewer fields than the header is refused with the count
("16 fields, expected 15"). A file is stored whole or not at all, and loading the same bytes
again changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from followthemoney import registry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.files import Counts, FileWrite, IncomingFile, import_file
from ctip.ingest.tables import Columns, Row, read_table
from ctip.ingest.values import RowValues, Unreadable, ValueWarning, read_country, read_date
from ctip.model.csvsafe import safe_text
from ctip.model.errors import InvalidInput
from ctip.trade.tables import EntryLineRow

COLUMNS = (
    "entry_number",
    "line_number",
    "importer",
    "manufacturer",
    "manufacturer_address",
    "seller",
    "shipper",
    "country_of_origin",
    "hts_code",
    "description",
    "value_usd",
    "quantity",
    "unit",
    "arrival_date",
    "port",
)
REQUIRED = frozenset({"entry_number", "line_number", "importer", "manufacturer", "hts_code"})
REQUIRED_COLUMNS = (
    "entry_number",
    "line_number",
    "importer",
    "manufacturer",
    "country_of_origin",
    "hts_code",
    "value_usd",
    "quantity",
    "arrival_date",
)
OPTIONAL_COLUMNS = tuple(c for c in COLUMNS if c not in REQUIRED_COLUMNS)
ENTRY_COLUMNS = Columns(
    REQUIRED_COLUMNS,
    OPTIONAL_COLUMNS,
    {
        "entry_number": "CBP entry number, e.g. ABC-1234567-8",
        "line_number": "line of the entry, 1-999",
        "country_of_origin": "ISO code or country name",
        "hts_code": "10-digit HTSUS number, e.g. 5208.52.4000",
        "value_usd": "declared value in US dollars",
        "arrival_date": "date of arrival, e.g. 2024-03-01 or 01.03.2024",
        "port": "4-digit CBP port code",
    },
    id_column=None,
)
# CBP entry numbers: a 3-character filer code, a 7-digit serial and a check digit.
ENTRY_NUMBER = re.compile(r"^[A-Z0-9]{3}-?\d{7}-?\d$")
PORT_CODE = re.compile(r"^\d{4}$")  # CBP Schedule D port codes
MAX_TEXT = 300
MAX_LINE_NUMBER = 999
MONEY_PLACES = Decimal("0.01")
FILE_KIND = "trade-entries"


@dataclass(frozen=True)
class EntryLine:
    """One validated entry line; money and quantities as exact decimals."""

    entry_number: str
    line_number: int
    importer: str
    manufacturer: str
    manufacturer_address: str
    seller: str
    shipper: str
    country_of_origin: str
    hts_code: str
    description: str
    value_usd: Decimal
    quantity: Decimal
    unit: str
    arrival_date: str
    port: str

    @property
    def key(self) -> str:
        """'ENTRY/LINE', how officers cite a line."""
        return f"{self.entry_number}/{self.line_number}"

    def sha256(self) -> str:
        """A hash of the line's content, to tell a repeat from a changed line."""
        data = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass(frozen=True)
class EntryLoad:
    """What loading a file did."""

    file_name: str
    content_sha256: str
    lines: int
    lines_new: int
    already_loaded: bool


class FieldError(InvalidInput):
    """One field of one row is not acceptable (422 when a route reads one field alone)."""


def _text(value: str, column: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(value.split())
    if "\x00" in text:
        raise FieldError(f"{column}: contains a NUL character")
    if len(text) > limit:
        raise FieldError(f"{column}: longer than {limit} characters")
    return text


def parse_entry_number(value: str) -> str:
    """'ABC-1234567-8' and 'abc12345678' are the same entry: upper case, no dashes."""
    text = value.strip().upper()
    if not ENTRY_NUMBER.match(text):
        raise FieldError(f"entry_number {value!r}: expected a filer code, 7 digits, check digit")
    return text.replace("-", "")


def parse_line_number(value: str) -> int:
    """A line of an entry, 1 to 999 as on Form 7501."""
    if not value.strip().isdigit() or not 1 <= int(value) <= MAX_LINE_NUMBER:
        raise FieldError(f"line_number {value!r}: expected a whole number 1-{MAX_LINE_NUMBER}")
    return int(value)


def parse_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code (upper case), from a code or a name FtM knows ("China")."""
    code = value.strip()
    if len(code) == 2 and registry.country.clean(code) == code.lower():
        return code.upper()
    try:
        read = read_country(code)
    except Unreadable:
        read = ""
    if len(read) != 2:
        raise FieldError(f"country_of_origin {value!r}: expected an ISO 3166 alpha-2 code")
    return read.upper()


def parse_hts(value: str) -> str:
    """A 10-digit HTSUS statistical reporting number; dots and spaces are allowed."""
    digits = re.sub(r"[.\s]", "", value)
    if len(digits) != 10 or not digits.isdigit() or digits[:2] == "00":
        raise FieldError(
            f"hts_code {value!r}: expected 10 digits (e.g. 5208.52.4000 or 5208524000)"
        )
    return digits


def parse_decimal(value: str, column: str) -> Decimal:
    """A non-negative decimal ('1,234.50' is read as 1234.50); money to the cent."""
    text = value.strip().replace(",", "").removeprefix("$")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FieldError(f"{column} {value!r}: not a number") from None
    if not number.is_finite() or number < 0:
        raise FieldError(f"{column} {value!r}: must be a number 0 or more")
    if column == "value_usd" and number != number.quantize(MONEY_PLACES):
        raise FieldError(f"{column} {value!r}: more than two decimal places")
    return number


def parse_date(value: str, column: str) -> str:
    """A whole date between 1990 and 2100, written as people write it (2024-3-1, 01.03.2024)."""
    try:
        parsed = date.fromisoformat(read_date(value))
    except ValueError:
        raise FieldError(f"{column} {value!r}: expected a date YYYY-MM-DD") from None
    if not 1990 <= parsed.year <= 2100:
        raise FieldError(f"{column} {value!r}: year out of range")
    return parsed.isoformat()


def parse_port(value: str) -> str:
    """A four-digit CBP port code."""
    code = value.strip()
    if not PORT_CODE.match(code):
        raise FieldError(f"port {value!r}: expected a 4-digit CBP port code")
    return code


def parse_row(row: dict[str, str], warned: RowValues | None = None) -> EntryLine:
    """One CSV row as an entry line, or FieldError naming every bad required field.

    An optional value that cannot be read (a port) is left blank and noted in `warned`.
    """
    problems: list[str] = []
    values: dict[str, object] = {}
    for column in COLUMNS:
        raw = row.get(column) or ""
        if column in REQUIRED and not raw.strip():
            problems.append(f"{column}: missing")
            continue
        if column == "port" and warned is not None:
            values[column] = warned.read(column, raw, _port) or ""
            continue
        try:
            values[column] = _parse_field(column, raw)
        except FieldError as error:
            problems.append(str(error))
    if problems:
        raise FieldError("; ".join(problems))
    return EntryLine(**values)  # type: ignore[arg-type]


def _port(value: str) -> str:
    try:
        return parse_port(value)
    except FieldError as error:
        raise Unreadable(str(error)) from None


def _parse_field(column: str, raw: str) -> object:
    parsers = {
        "entry_number": parse_entry_number,
        "line_number": parse_line_number,
        "country_of_origin": parse_country,
        "hts_code": parse_hts,
        "port": parse_port,
    }
    if column in parsers:
        return parsers[column](raw)
    if column in ("value_usd", "quantity"):
        return parse_decimal(raw, column)
    if column == "arrival_date":
        return parse_date(raw, column)
    if column == "port" and not raw.strip():
        return ""
    return _text(raw, column, 20 if column == "unit" else MAX_TEXT * 4)


def read_entry_lines(data: bytes, file_name: str) -> list[EntryLine]:
    """Every row validated; FileRejected lists each bad row (row 1 is the header)."""
    return read_entry_file(data, file_name)[0]


def read_entry_file(data: bytes, file_name: str) -> tuple[list[EntryLine], list[ValueWarning]]:
    """Every row validated, and the optional values left blank because they could not be
    read; FileRejected lists each bad row (row 1 is the header)."""
    table = read_table(data, file_name, ENTRY_COLUMNS)
    if not table.rows and not table.rejected:
        raise FileRejected(file_name, [RowError(1, "no entry lines after the header")])
    lines: list[EntryLine] = []
    errors: list[RowError] = list(table.rejected)
    warnings: list[ValueWarning] = []
    seen: dict[tuple[str, int], int] = {}
    for row in table.rows:
        line = _line(row, errors, warnings)
        if line is None:
            continue
        key = (line.entry_number, line.line_number)
        if key in seen:
            errors.append(RowError(row.line, f"line {line.key} repeats row {seen[key]}"))
            continue
        seen[key] = row.line
        lines.append(line)
    if errors:
        raise FileRejected(file_name, sorted(errors, key=lambda e: e.row))
    return lines, warnings


def _line(row: Row, errors: list[RowError], warnings: list[ValueWarning]) -> EntryLine | None:
    warned = RowValues(row.line)
    try:
        line = parse_row(row.cells, warned)
    except FieldError as error:
        errors.append(RowError(row.line, str(error)))
        return None
    warnings.extend(warned.warnings)
    return line


def load_entry_lines(session: Session, data: bytes, file_name: str, actor: str) -> EntryLoad:
    """Validate the whole file, then store its new lines in the caller's transaction."""
    incoming = IncomingFile.of(
        data, file_name, kind=FILE_KIND, actor=actor, action="trade.entries.load"
    )
    validate = partial(_lines_and_new, session, data, file_name)
    outcome = import_file(session, incoming, validate, _write_lines)
    return EntryLoad(
        file_name,
        outcome.content_sha256,
        outcome.count("lines"),
        0 if outcome.already_imported else outcome.count("lines_new"),
        outcome.already_imported,
    )


def _lines_and_new(
    session: Session, data: bytes, file_name: str
) -> tuple[list[EntryLine], list[EntryLine]]:
    """Every line of the file, and those not stored yet (a changed line rejects the file)."""
    lines = read_entry_lines(data, file_name)
    return lines, _new_lines(session, lines, file_name)


def _write_lines(target: FileWrite, read: tuple[list[EntryLine], list[EntryLine]]) -> Counts:
    lines, new = read
    target.session.add_all(_row(line, target.file_id) for line in new)
    target.progress(len(new))
    return {"lines": len(lines), "lines_new": len(new)}


def _new_lines(session: Session, lines: list[EntryLine], file_name: str) -> list[EntryLine]:
    """Lines not stored yet; a stored line with other content rejects the file."""
    stored = stored_line_hashes(session, {line.entry_number for line in lines})
    errors, new = [], []
    for number, line in enumerate(lines, start=2):
        known = stored.get((line.entry_number, line.line_number))
        if known is None:
            new.append(line)
        elif known != line.sha256():
            errors.append(RowError(number, f"line {line.key} is already stored with other values"))
    if errors:
        raise FileRejected(file_name, errors)
    return new


def stored_line_hashes(session: Session, entries: Iterable[str]) -> dict[tuple[str, int], str]:
    """(entry, line) -> content hash of the stored lines of these entries."""
    numbers = sorted(set(entries))
    found: dict[tuple[str, int], str] = {}
    for start in range(0, len(numbers), 500):
        query = select(
            EntryLineRow.entry_number, EntryLineRow.line_number, EntryLineRow.line_sha256
        ).where(EntryLineRow.entry_number.in_(numbers[start : start + 500]))
        for entry, line, sha in session.execute(query):
            found[(entry, line)] = sha
    return found


def _row(line: EntryLine, file_id: int) -> EntryLineRow:
    values = {f.name: getattr(line, f.name) for f in fields(line)}
    values["value_usd"] = str(line.value_usd)
    values["quantity"] = str(line.quantity)
    return EntryLineRow(**values, line_sha256=line.sha256(), file_id=file_id)


def line_of(row: EntryLineRow) -> EntryLine:
    """A stored row back as an entry line."""
    values = {f.name: getattr(row, f.name) for f in fields(EntryLine)}
    values["value_usd"] = Decimal(row.value_usd)
    values["quantity"] = Decimal(row.quantity)
    return EntryLine(**values)


def get_line(session: Session, entry_number: str, line_number: int) -> EntryLine | None:
    """One stored line, or None."""
    row = session.get(EntryLineRow, (entry_number, line_number))
    return line_of(row) if row is not None else None


def all_lines(session: Session) -> list[EntryLine]:
    """Every stored line, in entry and line order."""
    query = select(EntryLineRow).order_by(EntryLineRow.entry_number, EntryLineRow.line_number)
    return [line_of(row) for row in session.execute(query).scalars()]


def _cell(value: object) -> str:
    """A column's value as written: text made safe for spreadsheets, amounts as numbers."""
    return str(value) if isinstance(value, int | Decimal) else safe_text(str(value))


def write_csv(lines: Iterable[EntryLine]) -> str:
    """Entry lines as CSV in the loader's columns (fixtures, the demo, round trips); text that
    a spreadsheet would run as a formula is written with a leading '."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for line in lines:
        writer.writerow({column: _cell(getattr(line, column)) for column in COLUMNS})
    return out.getvalue()
