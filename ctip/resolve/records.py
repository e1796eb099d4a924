"""Person and organisation records as the resolver reads them: validated and normalised.

Every source (a plain CSV, the statement store, an API batch) is turned into the same
`ResolveRecord` before Splink sees it, so the model compares like with like: names folded to
ASCII lower case by `normality`, birth dates as ISO text (partial dates kept as "1980" or
"1980-05", `1969-7-16` and `16.07.1969` read too), phones as E.164 (a default region for
numbers without a country code), e-mails lower-cased.

Only a row that is no row is refused (an empty or repeated id, a wrong number of fields). A
value that cannot be read (a broken phone `310/788-`, a date `soon`) is left out of the
record, so it is never evidence, and reported as a warning with its row and column;
`strict` refuses the file instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from normality import normalize

from ctip.config import get_settings
from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.tables import Columns, read_table
from ctip.ingest.values import (
    RowValues,
    Unreadable,
    ValueWarning,
    check_region,
    read_date,
    read_phone,
    reject_if_strict,
)
from ctip.matching.normalize import email_key, identifier_key

FIELDS = (
    "name",
    "first_name",
    "last_name",
    "birth_date",
    "address",
    "city",
    "postcode",
    "phone",
    "email",
    "id_number",
    "source",
)
COLUMNS = ("id", *FIELDS)
RECORD_COLUMNS = Columns(
    ("id",),
    FIELDS,
    {
        "id": "the record's id, unique in the file",
        "name": "the whole name (or first_name and last_name)",
        "birth_date": "1969-07-16, 16.07.1969, July 1969 or 1969",
        "phone": "with a country code, or read in --region / CTIP_DEFAULT_REGION",
        "source": "which source the record came from (for --link-only)",
    },
)
MAX_ID_LENGTH = 255
MAX_EMAIL_LENGTH = 254
EXTRA_CELLS: Any = None  # the key `csv.DictReader` files surplus cells under


@dataclass(frozen=True)
class ResolveRecord:
    """One record in the resolver's normalised form (None where the source said nothing)."""

    id: str
    source: str
    name: str | None = None
    first_name: str | None = None
    surname: str | None = None
    birth_date: str | None = None
    address: str | None = None
    city: str | None = None
    postcode: str | None = None
    phone: str | None = None
    email: str | None = None
    id_number: str | None = None

    def as_row(self) -> dict[str, str | None]:
        """The record as a flat row for a data frame."""
        return asdict(self)


def fold(text: str | None) -> str | None:
    """ASCII, lower-case, single-spaced text, or None when nothing readable is left."""
    if text is None:
        return None
    folded = normalize(text, ascii=True, lowercase=True)
    return folded or None


def birth_date_iso(value: str) -> str:
    """A full or partial birth date as ISO text ("1980-05-07", "1980-05", "1980").

    Raises ValueError with a reason a person can act on when the date cannot be read.
    """
    try:
        return read_date(value)
    except Unreadable as error:
        raise ValueError(f"birth_date: {error}") from None


def _split_name(name: str | None) -> tuple[str | None, str | None]:
    """First and last word of a whole name, for sources that give only `name`."""
    if not name:
        return None, None
    words = name.split()
    return words[0], (words[-1] if len(words) > 1 else None)


def _clean(raw: Mapping[str, str | None], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _email(value: str) -> str:
    """The e-mail key; a misspelt address ("ann@examplecom") is kept as typed, lower-cased.

    A mistyped address is still evidence (the same person typed it), so only text that
    cannot be an address at all (spaces, over 254 characters) is unreadable.
    """
    key = email_key(value)
    if key is not None:
        return key
    text = value.strip().lower()
    if any(char.isspace() for char in text) or len(text) > MAX_EMAIL_LENGTH:
        raise Unreadable(f"email {value!r} is not an e-mail address")
    return text


def _id_number(value: str | None) -> str | None:
    """A passport, national id or social security number without its printed separators."""
    return identifier_key(value) or None if value else None


def record_from_row(
    raw: Mapping[str, str | None],
    default_source: str,
    region: str | None = None,
    values: RowValues | None = None,
) -> ResolveRecord:
    """Validate and normalise one raw row; ValueError when it is no record (no id).

    A birth date, phone or e-mail that cannot be read is left out of the record and noted
    in `values` (a throwaway collector when none is given).
    """
    if EXTRA_CELLS in raw:
        raise ValueError("the row has more cells than the header")
    record_id = _clean(raw, "id")
    if record_id is None:
        raise ValueError("id is empty")
    if len(record_id) > MAX_ID_LENGTH:
        raise ValueError(f"id is longer than {MAX_ID_LENGTH} characters")
    read = values if values is not None else RowValues(0, region)
    name = fold(_clean(raw, "name"))
    first, last = fold(_clean(raw, "first_name")), fold(_clean(raw, "last_name"))
    if name is None and (first or last):
        name = " ".join(p for p in (first, last) if p)
    if first is None and last is None:
        first, last = _split_name(name)
    return ResolveRecord(
        id=record_id,
        source=_clean(raw, "source") or default_source,
        name=name,
        first_name=first,
        surname=last,
        birth_date=read.read("birth_date", _clean(raw, "birth_date"), birth_date_iso),
        address=fold(_clean(raw, "address")),
        city=fold(_clean(raw, "city")),
        postcode=fold(_clean(raw, "postcode")),
        phone=read.read("phone", _clean(raw, "phone"), lambda v: read_phone(v, read.region)),
        email=read.read("email", _clean(raw, "email"), _email),
        id_number=_id_number(_clean(raw, "id_number")),
    )


@dataclass(frozen=True)
class RecordsRead:
    """The records of a file and the values left out of them (row, column, reason)."""

    records: list[ResolveRecord]
    warnings: list[ValueWarning]


def region_or_default(region: str | None) -> str | None:
    """The phone region given, else CTIP_DEFAULT_REGION; checked either way."""
    return check_region(region or get_settings().default_region)


def read_records_report(
    rows: Iterable[tuple[int, Mapping[str, str | None]]],
    file_name: str,
    default_source: str,
    region: str | None = None,
    strict: bool = False,
) -> RecordsRead:
    """Every numbered row read; FileRejected lists each row that is no record (an empty or
    repeated id); unreadable values are warnings (rejections with `strict`)."""
    region = region_or_default(region)
    records: list[ResolveRecord] = []
    errors: list[RowError] = []
    warnings: list[ValueWarning] = []
    seen: dict[str, int] = {}
    for number, raw in rows:
        values = RowValues(number, region)
        try:
            record = record_from_row(raw, default_source, region, values)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        if record.id in seen:
            errors.append(
                RowError(
                    number, f"id {record.id!r} appears more than once (line {seen[record.id]})"
                )
            )
            continue
        seen[record.id] = number
        warnings.extend(values.warnings)
        records.append(record)
    if errors:
        raise FileRejected(file_name, errors)
    reject_if_strict(file_name, warnings, strict)
    return RecordsRead(records, warnings)


def read_records(
    rows: Iterable[Mapping[str, str | None]],
    file_name: str,
    default_source: str,
    region: str | None = None,
    strict: bool = True,
) -> list[ResolveRecord]:
    """Every row read (numbered from the header as 1); see `read_records_report`.

    Strict by default: an API batch whose answer has no room for warnings refuses a value
    it cannot read rather than dropping it unseen (`read_records_report` gives both).
    """
    numbered = enumerate(rows, start=2)
    return read_records_report(numbered, file_name, default_source, region, strict).records


def read_csv_report(
    text: str,
    file_name: str,
    default_source: str | None = None,
    region: str | None = None,
    strict: bool = False,
) -> RecordsRead:
    """Records from CSV text whose header holds id and any of `FIELDS` (other columns are
    not read and are warned about), with the values that could not be read."""
    table = read_table(text.encode("utf-8"), file_name, RECORD_COLUMNS)
    if table.rejected:
        raise FileRejected(file_name, table.rejected)
    rows = ((row.line, dict(row.cells)) for row in table.rows)
    read = read_records_report(rows, file_name, default_source or file_name, region, strict)
    unknown = [
        ValueWarning(
            1, column, column, f"column {column!r} is not read; known: {', '.join(COLUMNS)}"
        )
        for column in table.unknown_columns
    ]
    return RecordsRead(read.records, unknown + read.warnings)


def read_csv_text(
    text: str, file_name: str, default_source: str | None = None, region: str | None = None
) -> list[ResolveRecord]:
    """Records from CSV text with a header holding id and any of `COLUMNS`."""
    return read_csv_report(text, file_name, default_source, region).records
