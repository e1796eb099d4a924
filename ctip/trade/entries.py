"""Import entry lines (CBP Form 7501 lines) read from CSV: forgiving on values, honest about them.

A trade officer screens what the importer declared, and declarations are messy: an arrival
date written `3/1/2024`, a country written `Peoples Republic of Chna`, a value `USD 1.2m`. A
value that cannot be read does not refuse the line: the line is kept, the value is kept as
written (`EntryLine.not_read`), it is not used as evidence (an unread origin matches no
country-wide order, an unread HTS code no goods list), and it is reported with its row,
column and reason; `strict` refuses the file instead.

Only what makes a row no entry line rejects it: a row with more or fewer fields than the
header ("16 fields, expected 15"), a line id that cannot be read or repeats an earlier row
(entry number, line number), a line without its importer or manufacturer, a file that is not
UTF-8 or lacks a required column. Optional columns (addresses, seller, shipper,
description, unit, port) may be left out of the file. A file is stored whole or not at all,
and loading the same bytes again changes nothing. The file is parsed once: the command reads
it (to show the warnings) and hands what it read to the load.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from followthemoney import registry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.files import Counts, FileWrite, IncomingFile, import_file
from ctip.ingest.tables import Columns, Row, read_table
from ctip.ingest.values import (
    MAX_VALUE,
    Unreadable,
    ValueWarning,
    read_country,
    read_date,
    reject_if_strict,
)
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
LINE_ID_COLUMNS = ("entry_number", "line_number")
PARTY_COLUMNS = ("importer", "manufacturer")
REQUIRED = frozenset((*LINE_ID_COLUMNS, *PARTY_COLUMNS))
"""Cells a row cannot do without: the line's id and the parties screening reads."""
DECLARED_COLUMNS = ("country_of_origin", "hts_code", "value_usd", "quantity", "arrival_date")
"""Typed values Form 7501 declares: their columns are required, an unreadable or empty cell
is kept as written and warned about, never a reason to refuse the line."""
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
MEANINGS: Final = {
    "entry_number": "CBP entry number, e.g. ABC-1234567-8 (with line_number, the line's id)",
    "line_number": "line of the entry, 1-999",
    "importer": "importer of record",
    "manufacturer": "manufacturer or producer of the goods",
    "manufacturer_address": "the factory's address",
    "seller": "seller named on the entry",
    "shipper": "shipper or carrier",
    "country_of_origin": "ISO code or country name",
    "hts_code": "10-digit HTSUS number, e.g. 5208.52.4000",
    "description": "description of the goods",
    "value_usd": "declared value in US dollars, e.g. 1,234.50",
    "quantity": "quantity in the unit given",
    "unit": "unit of quantity, e.g. KG or NO",
    "arrival_date": "date of arrival, e.g. 2024-03-01, 3/1/2024 (month first, as CBP writes "
    "it) or 01.03.2024",
    "port": "4-digit CBP port code",
}
ENTRY_COLUMNS = Columns(REQUIRED_COLUMNS, OPTIONAL_COLUMNS, MEANINGS, id_column=None)
"""The columns a file takes, as `--help` lists them."""


@dataclass(frozen=True)
class _RowColumns(Columns):
    """The cells a row cannot do without (its id, its parties); a file is told about
    `ENTRY_COLUMNS`, the columns it takes."""

    def help_text(self) -> str:
        return ENTRY_COLUMNS.help_text()


ENTRY_ROWS = _RowColumns(
    (*LINE_ID_COLUMNS, *PARTY_COLUMNS),
    tuple(c for c in COLUMNS if c not in REQUIRED),
    MEANINGS,
    id_column=None,
)
DATE_REGION = "US"
"""CBP writes dates month first (03/01/2024 is 1 March): the region an ambiguous date is read in."""
# CBP entry numbers: a 3-character filer code, a 7-digit serial and a check digit.
ENTRY_NUMBER = re.compile(r"^[A-Z0-9]{3}-?\d{7}-?\d$")
PORT_CODE = re.compile(r"^\d{4}$")  # CBP Schedule D port codes
MAX_TEXT = 300
TEXT_LIMITS: Final = {"unit": 20, "description": MAX_TEXT * 4, "manufacturer_address": MAX_TEXT * 4}
"""How long a text may be where the store holds more or less than `MAX_TEXT` (a party's name)."""
MAX_LINE_NUMBER = 999
MONEY_PLACES = Decimal("0.01")
FILE_KIND = "trade-entries"
MAX_NOTED = 20
"""Values not read that the audit row of a load names one by one (the rest are counted)."""


@dataclass(frozen=True)
class EntryLine:
    """One entry line; money and quantities as exact decimals.

    A declared value that could not be read is empty here ("" or None) and kept as written
    in `not_read` (column, text) so that screening says so and never uses it as evidence.
    """

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
    value_usd: Decimal | None
    quantity: Decimal | None
    unit: str
    arrival_date: str
    port: str
    not_read: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """'ENTRY/LINE', how officers cite a line."""
        return f"{self.entry_number}/{self.line_number}"

    def written(self, column: str) -> str | None:
        """The value of `column` as written when it could not be read, else None."""
        return next((text for name, text in self.not_read if name == column), None)

    def sha256(self) -> str:
        """A hash of the line's content, to tell a repeat from a changed line (a line read
        whole hashes as it did before values could go unread)."""
        content = asdict(self)
        if not self.not_read:
            del content["not_read"]
        data = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(data.encode()).hexdigest()


@dataclass
class EntryFile:
    """A file's entry lines, and the values in them kept as written but not read."""

    lines: list[EntryLine] = field(default_factory=list)
    warnings: list[ValueWarning] = field(default_factory=list)
    rows: dict[tuple[str, int], int] = field(default_factory=dict)
    """(entry, line) -> the row of the file it was read from, for reasons that name the row."""


@dataclass(frozen=True)
class EntryLoad:
    """What loading a file did, and the values it kept as written but did not read."""

    file_name: str
    content_sha256: str
    lines: int
    lines_new: int
    already_loaded: bool
    values_not_read: int = 0
    warnings: list[ValueWarning] = field(default_factory=list)


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


def parse_date(value: str, column: str, region: str | None = DATE_REGION) -> str:
    """A whole date between 1990 and 2100, written as people write it (2024-3-1,
    01.03.2024, 3/1/2024 month first as CBP writes it)."""
    try:
        parsed = date.fromisoformat(read_date(value, region))
    except Unreadable as error:
        raise FieldError(f"{column}: {error}") from None
    except ValueError:
        raise FieldError(f"{column} {value!r}: not a whole date (day, month and year)") from None
    if not 1990 <= parsed.year <= 2100:
        raise FieldError(f"{column} {value!r}: year out of range 1990-2100")
    return parsed.isoformat()


def parse_port(value: str) -> str:
    """A four-digit CBP port code."""
    code = value.strip()
    if not PORT_CODE.match(code):
        raise FieldError(f"port {value!r}: expected a 4-digit CBP port code")
    return code


VALUE_PARSERS: Final[dict[str, Callable[[str], object]]] = {
    "country_of_origin": parse_country,
    "hts_code": parse_hts,
    "value_usd": lambda text: parse_decimal(text, "value_usd"),
    "quantity": lambda text: parse_decimal(text, "quantity"),
    "arrival_date": lambda text: parse_date(text, "arrival_date"),
    "port": parse_port,
}
"""Columns whose values are read as a type; the other columns are text."""
EMPTY_VALUES: Final[dict[str, object]] = {"value_usd": None, "quantity": None}
"""What a value that is not read is in the line ("" for the others)."""


@dataclass
class _LineValues:
    """One row's values read one by one: what could not be read is warned and kept as written."""

    row: Row
    warnings: list[ValueWarning] = field(default_factory=list)
    not_read: list[tuple[str, str]] = field(default_factory=list)

    def typed(self, column: str) -> object:
        """A typed value, or its empty form (and a warning) when it is empty or cannot be read."""
        raw = self.row.get(column)
        if not raw:
            if column in DECLARED_COLUMNS:
                self._warn(column, "", f"{column} is empty (not declared)")
            return EMPTY_VALUES.get(column, "")
        try:
            return VALUE_PARSERS[column](raw)
        except FieldError as error:
            self._warn(column, raw[:MAX_VALUE], _reason(column, error))
            self.not_read.append((column, raw[:MAX_VALUE]))
            return EMPTY_VALUES.get(column, "")

    def _warn(self, column: str, value: str, reason: str) -> None:
        self.warnings.append(ValueWarning(self.row.line, column, value, reason))


def _line_id(row: Row) -> tuple[str, int]:
    """(entry, line): FieldError when either cannot be read, for then the row is no line."""
    problems, entry, number = [], "", 0
    try:
        entry = parse_entry_number(row.get("entry_number"))
    except FieldError as error:
        problems.append(str(error))
    try:
        number = parse_line_number(row.get("line_number"))
    except FieldError as error:
        problems.append(str(error))
    if problems:
        raise FieldError("; ".join(problems))
    return entry, number


def read_line(row: Row) -> tuple[EntryLine, list[ValueWarning]]:
    """One row as an entry line and the warnings of its unread values; FieldError when the
    row is no line (its id cannot be read, a party is missing, a text is too long)."""
    entry, number = _line_id(row)
    values = _LineValues(row)
    cells: dict[str, object] = {"entry_number": entry, "line_number": number}
    for column in COLUMNS[2:]:
        if column in VALUE_PARSERS:
            cells[column] = values.typed(column)
        else:
            limit = TEXT_LIMITS.get(column, MAX_TEXT)
            cells[column] = _text(row.get(column), column, limit)
    cells["not_read"] = tuple(values.not_read)
    return EntryLine(**cells), values.warnings  # type: ignore[arg-type]


def read_entry_lines(data: bytes, file_name: str) -> list[EntryLine]:
    """Every row read; FileRejected lists each row that is no line (row 1 is the header)."""
    return read_entry_file(data, file_name).lines


def read_entry_file(data: bytes, file_name: str, strict: bool = False) -> EntryFile:
    """Every row read, and the values kept as written because they could not be read;
    FileRejected lists each row that is no line (row 1 is the header), or with `strict`
    each value that could not be read."""
    table = read_table(data, file_name, ENTRY_ROWS)
    _check_declared_columns(table.header, file_name)
    if not table.rows and not table.rejected:
        raise FileRejected(file_name, [RowError(1, "no entry lines after the header")])
    errors: list[RowError] = list(table.rejected)
    read = EntryFile()
    for row in table.rows:
        _add_line(row, read, errors)
    if errors:
        raise FileRejected(file_name, sorted(errors, key=lambda e: e.row))
    reject_if_strict(file_name, read.warnings, strict)
    return read


def _add_line(row: Row, read: EntryFile, errors: list[RowError]) -> None:
    try:
        line, warnings = read_line(row)
    except FieldError as error:
        errors.append(RowError(row.line, str(error)))
        return
    key = (line.entry_number, line.line_number)
    if key in read.rows:
        errors.append(RowError(row.line, f"line {line.key} repeats row {read.rows[key]}"))
        return
    read.rows[key] = row.line
    read.lines.append(line)
    read.warnings.extend(warnings)


def _check_declared_columns(header: tuple[str, ...], file_name: str) -> None:
    """The declared values' columns must be in the header, even where their cells are empty."""
    missing = [c for c in DECLARED_COLUMNS if c not in header]
    if missing:
        reason = (
            f"missing column(s): {', '.join(missing)} (the file has {', '.join(header)}; "
            f"{ENTRY_COLUMNS.help_text()})"
        )
        raise FileRejected(file_name, [RowError(1, reason)])


def load_entry_lines(
    session: Session,
    data: bytes,
    file_name: str,
    actor: str,
    read: EntryFile | None = None,
    strict: bool = False,
) -> EntryLoad:
    """Store the file's new lines in the caller's transaction, all or nothing.

    `read` is the file as `read_entry_file` already read it (so it is parsed once); without
    it the file is read here, and only when its bytes were not loaded before.
    """
    incoming = IncomingFile.of(
        data, file_name, kind=FILE_KIND, actor=actor, action="trade.entries.load"
    )
    known: list[EntryFile] = [read] if read is not None else []

    def validate() -> tuple[EntryFile, list[EntryLine]]:
        if not known:
            known.append(read_entry_file(data, file_name, strict))
        reject_if_strict(file_name, known[0].warnings, strict)
        return known[0], _new_lines(session, known[0], file_name)

    outcome = import_file(session, incoming, validate, _write_lines)
    warnings = known[0].warnings if known else []
    return EntryLoad(
        file_name,
        outcome.content_sha256,
        outcome.count("lines"),
        0 if outcome.already_imported else outcome.count("lines_new"),
        outcome.already_imported,
        len(warnings) if known else outcome.count("values_not_read"),
        list(warnings),
    )


def _write_lines(target: FileWrite, read: tuple[EntryFile, list[EntryLine]]) -> Counts:
    whole, new = read
    target.session.add_all(_row(line, target.file_id) for line in new)
    target.progress(len(new))
    if whole.warnings:
        target.notes["values_not_read_as_written"] = _noted(whole.warnings)
    counts = {"lines": len(whole.lines), "lines_new": len(new)}
    return {**counts, "values_not_read": len(whole.warnings)}


def _noted(warnings: list[ValueWarning]) -> str:
    """The values not read, as the audit row of the load keeps them (the first ones)."""
    said = "; ".join(f"{w} ({w.value!r} as written)" for w in warnings[:MAX_NOTED])
    more = f" and {len(warnings) - MAX_NOTED} more" if len(warnings) > MAX_NOTED else ""
    return said + more


def _new_lines(session: Session, read: EntryFile, file_name: str) -> list[EntryLine]:
    """Lines not stored yet; a stored line with other content rejects the file."""
    stored = stored_line_hashes(session, {line.entry_number for line in read.lines})
    errors, new = [], []
    for line in read.lines:
        key = (line.entry_number, line.line_number)
        known = stored.get(key)
        if known is None:
            new.append(line)
        elif known != line.sha256():
            row = read.rows.get(key, 0)
            errors.append(RowError(row, f"line {line.key} is already stored with other values"))
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
    values["not_read"] = written_json(line.not_read)
    values["value_usd"] = _amount_text(line.value_usd)
    values["quantity"] = _amount_text(line.quantity)
    return EntryLineRow(**values, line_sha256=line.sha256(), file_id=file_id)


def written_json(not_read: Iterable[tuple[str, str]]) -> str:
    """The values not read as the store keeps them: a JSON object {column: text as written},
    in the file's column order ("{}" when every value was read)."""
    return json.dumps(dict(not_read), ensure_ascii=False)


def written_values(stored: str | None) -> tuple[tuple[str, str], ...]:
    """(column, text as written) from the stored JSON object; text that is no such object
    (a hand-edited row) keeps nothing rather than failing the line's page."""
    try:
        kept = json.loads(stored or "{}")
    except ValueError:
        return ()
    if not isinstance(kept, dict):
        return ()
    return tuple((str(column), str(text)) for column, text in kept.items())


def _amount_text(amount: Decimal | None) -> str:
    """An amount as stored: decimal text, or "" when it was not read."""
    return "" if amount is None else str(amount)


def line_of(row: EntryLineRow) -> EntryLine:
    """A stored row back as an entry line, with the values it keeps as written (so it hashes
    as it did when it was loaded)."""
    values = {f.name: getattr(row, f.name) for f in fields(EntryLine)}
    values["value_usd"] = Decimal(row.value_usd) if row.value_usd else None
    values["quantity"] = Decimal(row.quantity) if row.quantity else None
    values["not_read"] = written_values(row.not_read)
    return EntryLine(**values)


@dataclass(frozen=True)
class NotRead:
    """A value of a line kept as written because it could not be read, and why (the reason
    is "" when the text reads today, e.g. after the readers learnt its form)."""

    column: str
    value: str
    reason: str


def values_not_read(line: EntryLine) -> list[NotRead]:
    """The line's values kept as written, each with the reason its column's reader gives."""
    return [NotRead(column, text, not_read_reason(column, text)) for column, text in line.not_read]


def not_read_reason(column: str, written: str) -> str:
    """Why `written` cannot be read as a value of `column` ("" when it can, or the column
    has no reader): the same reason the load warned with."""
    parse = VALUE_PARSERS.get(column)
    if parse is None:
        return ""
    try:
        parse(written)
    except FieldError as error:
        return _reason(column, error)
    return ""


def _reason(column: str, error: FieldError) -> str:
    """A reader's refusal without the column name it starts with (a warning names it)."""
    return str(error).removeprefix(f"{column}: ").removeprefix(f"{column} ")


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
    if value is None:
        return ""
    return str(value) if isinstance(value, int | Decimal) else safe_text(str(value))


def write_csv(lines: Iterable[EntryLine]) -> str:
    """Entry lines as CSV in the loader's columns (fixtures, the demo, round trips); text that
    a spreadsheet would run as a formula is written with a leading '."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for line in lines:
        cells = {column: _cell(getattr(line, column)) for column in COLUMNS}
        cells.update((column, safe_text(text)) for column, text in line.not_read)
        writer.writerow(cells)
    return out.getvalue()
