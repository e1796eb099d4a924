"""Person and organisation records as the resolver reads them: validated and normalised.

Every source (a plain CSV, the statement store, an API batch) is turned into the same
`ResolveRecord` before Splink sees it, so the model compares like with like: names folded to
ASCII lower case by `normality`, birth dates as ISO text (partial dates kept as "1980" or
"1980-05"), phones as E.164 by `phonenumbers`, e-mails lower-cased.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from normality import normalize

from ctip.ingest.errors import FileRejected, RowError
from ctip.matching.normalize import email_key, identifier_key, phone_e164

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
MAX_ID_LENGTH = 255
MAX_EMAIL_LENGTH = 254
EXTRA_CELLS: Any = None  # the key `csv.DictReader` files surplus cells under
_DATE_FORMS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})$"),
    re.compile(r"^(?P<y>\d{4})$"),
)


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
    text = value.strip()
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            return _checked_date(match.groupdict())
    raise ValueError(f"birth_date {value!r} is not YYYY-MM-DD, YYYYMMDD, YYYY-MM or YYYY")


def _checked_date(parts: Mapping[str, str | None]) -> str:
    year, month, day = parts["y"], parts.get("m"), parts.get("d")
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f"birth_date month {month} is not 01-12")
    if day is not None and not 1 <= int(day) <= 31:
        raise ValueError(f"birth_date day {day} is not 01-31")
    return "-".join(p for p in (year, month, day) if p is not None)


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


def _phone(value: str | None, region: str | None) -> str | None:
    if value is None:
        return None
    e164 = phone_e164(value, region)
    if e164 is None:
        hint = "" if region else " (give the country code, e.g. +1, or a default region)"
        raise ValueError(f"phone {value!r} is not a valid number{hint}")
    return e164


def _email(value: str | None) -> str | None:
    """The e-mail key; a misspelt address ("ann@examplecom") is kept as typed, lower-cased.

    A mistyped address is still evidence (the same person typed it), so only text that
    cannot be an address at all (spaces, over 254 characters) is refused.
    """
    if value is None:
        return None
    key = email_key(value)
    if key is not None:
        return key
    text = value.strip().lower()
    if any(char.isspace() for char in text) or len(text) > MAX_EMAIL_LENGTH:
        raise ValueError(f"email {value!r} is not an e-mail address")
    return text


def _id_number(value: str | None) -> str | None:
    """A passport, national id or social security number without its printed separators."""
    return identifier_key(value) or None if value else None


def record_from_row(
    raw: Mapping[str, str | None], default_source: str, region: str | None = None
) -> ResolveRecord:
    """Validate and normalise one raw row; ValueError names what is wrong."""
    if EXTRA_CELLS in raw:
        raise ValueError("the row has more cells than the header")
    record_id = _clean(raw, "id")
    if record_id is None:
        raise ValueError("id is empty")
    if len(record_id) > MAX_ID_LENGTH:
        raise ValueError(f"id is longer than {MAX_ID_LENGTH} characters")
    name = fold(_clean(raw, "name"))
    first, last = fold(_clean(raw, "first_name")), fold(_clean(raw, "last_name"))
    if name is None and (first or last):
        name = " ".join(p for p in (first, last) if p)
    if first is None and last is None:
        first, last = _split_name(name)
    birth = _clean(raw, "birth_date")
    return ResolveRecord(
        id=record_id,
        source=_clean(raw, "source") or default_source,
        name=name,
        first_name=first,
        surname=last,
        birth_date=birth_date_iso(birth) if birth else None,
        address=fold(_clean(raw, "address")),
        city=fold(_clean(raw, "city")),
        postcode=fold(_clean(raw, "postcode")),
        phone=_phone(_clean(raw, "phone"), region),
        email=_email(_clean(raw, "email")),
        id_number=_id_number(_clean(raw, "id_number")),
    )


def _has_evidence(record: ResolveRecord) -> bool:
    return any(
        (
            record.name,
            record.birth_date,
            record.phone,
            record.email,
            record.address,
            record.id_number,
        )
    )


def read_records(
    rows: Iterable[Mapping[str, str | None]],
    file_name: str,
    default_source: str,
    region: str | None = None,
) -> list[ResolveRecord]:
    """Every row validated; FileRejected lists each bad row (numbered from the header as 1)."""
    records: list[ResolveRecord] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for number, raw in enumerate(rows, start=2):
        try:
            record = record_from_row(raw, default_source, region)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        if record.id in seen:
            errors.append(RowError(number, f"id {record.id!r} appears more than once"))
        elif not _has_evidence(record):
            errors.append(RowError(number, "no name, birth date, address, phone or e-mail"))
        seen.add(record.id)
        records.append(record)
    if errors:
        raise FileRejected(file_name, errors)
    return records


def _check_header(header: list[str] | None, file_name: str) -> None:
    if not header:
        raise FileRejected(file_name, [RowError(1, "the file is empty: no header row")])
    unknown = [column for column in header if column not in COLUMNS]
    reasons = []
    if "id" not in header:
        reasons.append("the header has no id column")
    if unknown:
        reasons.append(f"unknown column(s) {', '.join(unknown)}; known: {', '.join(COLUMNS)}")
    if reasons:
        raise FileRejected(file_name, [RowError(1, reason) for reason in reasons])


def read_csv_text(
    text: str, file_name: str, default_source: str | None = None, region: str | None = None
) -> list[ResolveRecord]:
    """Records from CSV text with a header of `COLUMNS` names (any subset holding id)."""
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip() for column in reader.fieldnames or []]
    _check_header(header, file_name)
    reader.fieldnames = header
    return read_records(reader, file_name, default_source or file_name, region)
