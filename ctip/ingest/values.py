"""Reading the values in a row the way people write them, and saying which ones could not be read.

Field data is messy: a birth date is written `1969-7-16`, `16.07.1969`, `July 1969` or just
`1969`; a phone `310/246-1501` with no country code; a country as `Burma` or `DEU`. Each value
is cleaned here with FollowTheMoney's type registry where it has the type (dates, phones,
countries, e-mails, identifiers) and rigour/normality for names and addresses, so every loader
and screening input reads values the same way.

A value that cannot be read is not a reason to refuse the row: it is kept as written, not used
as evidence (a matcher never sees it), and reported as a `ValueWarning` with its row, column
and reason. Only structural faults (see `ctip.ingest.tables`) reject a row; `strict` readers
turn the warnings into rejections for users who want all or nothing on values too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

import phonenumbers
from followthemoney import registry
from normality import squash_spaces
from rigour.addresses import clean_address

from ctip.ingest.errors import FileRejected, RowError
from ctip.model.csvsafe import safe_text
from ctip.model.errors import InvalidInput

MIN_YEAR: Final = 1800
MAX_YEAR: Final = 2100
MAX_VALUE: Final = 1000
CACHED: Final = 1 << 16
"""Values read once per process: a query file repeats its countries and many of its dates."""
WARNING_COLUMNS: Final = ("row", "column", "value", "reason")
PLACEHOLDERS: Final = frozenset({"-", "--", "?", "??", "n/a", "na", "none", "null", "unknown", "x"})
_SLASHED = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})$")
_DATE_FORMATS: Final = (
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%d %B %Y",
    "%d %b %Y",
    "%d. %B %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%B %Y",
    "%b %Y",
    "%B, %Y",
    "%m/%Y",
    "%m.%Y",
    "%Y/%m",
)
MONTH_FIRST_REGIONS: Final = frozenset({"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI"})
"""Where 07/08/1969 means July 8 (elsewhere it means 7 August)."""


class Unreadable(ValueError):
    """A value that cannot be read as its type; the message is the reason a person reads."""


@dataclass(frozen=True)
class ValueWarning:
    """A value kept as written but not used as evidence: where it is and why."""

    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.row}, {self.column}: {self.reason}"

    def as_row_error(self) -> RowError:
        """The warning as a rejection, for readers asked to be strict."""
        return RowError(self.row, f"{self.column}: {self.reason}")


def check_region(region: str | None) -> str | None:
    """A default phone region as an ISO 3166 alpha-2 code phonenumbers knows ("US"), or None.

    Raises InvalidInput naming the setting when the code is unknown, so a typo in
    `--region` or `CTIP_DEFAULT_REGION` is not silently a region-less reading.
    """
    if region is None or not region.strip():
        return None
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(f"region {region!r} is not a country code phone numbers know (e.g. US)")
    return code


def _is_placeholder(text: str) -> bool:
    return text.strip().lower() in PLACEHOLDERS


def _checked_year(iso: str, text: str) -> str:
    year = int(iso[:4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Unreadable(f"date {text!r}: year {year} is outside {MIN_YEAR}-{MAX_YEAR}")
    return iso


def _slashed_date(match: re.Match[str], region: str | None) -> str:
    """dd/mm/yyyy or mm/dd/yyyy: the order a single reading allows, else the region's.

    Dots (16.07.1969) are written day first wherever they are used.
    """
    a, b, year = int(match["a"]), int(match["b"]), match["y"]
    day_first = 1 <= a <= 31 and 1 <= b <= 12
    month_first = 1 <= a <= 12 and 1 <= b <= 31 and match["sep"] != "."
    if day_first and month_first and a != b:
        if region is None:
            raise Unreadable(f"date {match.string!r}: day and month order is unclear")
        day_first = region not in MONTH_FIRST_REGIONS
    elif not (day_first or month_first):
        raise Unreadable(f"date {match.string!r}: no day and month reading")
    day, month = (a, b) if day_first else (b, a)
    iso = registry.date.clean_text(f"{year}-{month:02d}-{day:02d}")
    if iso is None:
        raise Unreadable(f"date {match.string!r} is not a calendar date")
    return iso


@lru_cache(maxsize=CACHED)
def read_date(text: str, region: str | None = None) -> str:
    """A full or partial date as ISO text ("1969-07-16", "1969-07", "1969").

    Reads ISO with or without zero padding, `16.07.1969`, `16/07/1969` (the order a
    single reading allows, else the region's: month first in the US), `July 1969`,
    `16 July 1969`, `Jul 16, 1969`, `19690716` and a bare year. A time of day is dropped.
    """
    value = squash_spaces(text) or ""
    if not value or _is_placeholder(value):
        raise Unreadable(f"date {text!r} is empty")
    iso = registry.date.clean_text(value)
    if iso is not None:
        return _checked_year(iso[:10], text)
    slashed = _SLASHED.match(value)
    if slashed is not None:
        return _checked_year(_slashed_date(slashed, region), text)
    for form in _DATE_FORMATS:
        iso = registry.date.clean_text(value, format=form)
        if iso is not None:
            return _checked_year(iso[:10], text)
    raise Unreadable(f"date {text!r} is not a date (write it as 1969-07-16, 1969-07 or 1969)")


@lru_cache(maxsize=CACHED)
def read_phone(text: str, region: str | None = None) -> str:
    """A phone number in E.164 ("+13102461501"); without a country code, the region's."""
    value = text.strip()
    cleaned = registry.phone.clean_text(value, format=region.lower() if region else None)
    if cleaned is not None:
        return cleaned
    if region is None and not value.startswith(("+", "00")):
        raise Unreadable(
            f"phone {text!r} has no country code (write +1..., or give a default region)"
        )
    where = f" in {region}" if region else ""
    raise Unreadable(f"phone {text!r} is not a valid number{where}")


@lru_cache(maxsize=1)
def _country_labels() -> dict[str, str]:
    """FtM's English country names, folded, to their codes: most files name countries so,
    and this spares loading every name of every territory in every language."""
    return {label.casefold(): code for code, label in registry.country.names.items()}


@lru_cache(maxsize=CACHED)
def read_country(text: str) -> str:
    """An ISO country code (lower case, as FtM writes it) from a code or a name."""
    value = text.strip()
    cleaned = _country_labels().get(value.casefold()) or registry.country.clean_text(value)
    if cleaned is None:
        raise Unreadable(f"country {text!r} is not a country name or code")
    return cleaned


def read_email(text: str) -> str:
    """An e-mail address with its domain lower-cased."""
    cleaned = registry.email.clean_text(text.strip().removeprefix("mailto:"))
    if cleaned is None:
        raise Unreadable(f"email {text!r} is not an e-mail address")
    return cleaned


def read_identifier(text: str) -> str:
    """An identifier (passport, registration, account) as written, spaces collapsed."""
    cleaned = registry.identifier.clean_text(squash_spaces(text) or "")
    if cleaned is None or _is_placeholder(cleaned):
        raise Unreadable(f"identifier {text!r} is empty")
    return cleaned


def read_name(text: str) -> str:
    """A name with its spacing tidied; a placeholder ("n/a", "?") or no letter is no name."""
    cleaned = squash_spaces(registry.name.clean_text(text) or "") or ""
    if not cleaned or _is_placeholder(cleaned) or not any(c.isalnum() for c in cleaned):
        raise Unreadable(f"name {text!r} has no letters")
    return cleaned


def read_address(text: str) -> str:
    """An address on one line, its spacing and punctuation tidied by rigour."""
    cleaned = squash_spaces(clean_address(text)) or ""
    if not cleaned or _is_placeholder(cleaned):
        raise Unreadable(f"address {text!r} is empty")
    return cleaned


def split_cell(text: str, separator: str = ";") -> tuple[str, ...]:
    """A cell holding several values ("a; b") as its values, blanks dropped, order kept."""
    return tuple(dict.fromkeys(v.strip() for v in text.split(separator) if v.strip()))


Reader = Callable[[str], str]


@dataclass
class RowValues:
    """The values of one row, cleaned one by one, with a warning for each unreadable value.

    A reader makes one per row: `values.date("birth_date", cell)` returns the ISO date or
    None (and notes the warning); the row goes on being read either way.
    """

    row: int
    region: str | None = None
    warnings: list[ValueWarning] = field(default_factory=list)

    def read(self, column: str, text: str | None, reader: Reader) -> str | None:
        """One value read by `reader`; None (and a warning) when it cannot be read."""
        if text is None or not text.strip():
            return None
        try:
            return reader(text)
        except Unreadable as error:
            self.warnings.append(ValueWarning(self.row, column, text[:MAX_VALUE], str(error)))
            return None

    def read_many(self, column: str, text: str | None, reader: Reader) -> tuple[str, ...]:
        """A ';'-separated cell read value by value; unreadable ones are left out, warned."""
        read = (self.read(column, value, reader) for value in split_cell(text or ""))
        return tuple(dict.fromkeys(v for v in read if v is not None))

    def date(self, column: str, text: str | None) -> str | None:
        return self.read(column, text, lambda v: read_date(v, self.region))

    def dates(self, column: str, text: str | None) -> tuple[str, ...]:
        return self.read_many(column, text, lambda v: read_date(v, self.region))

    def phone(self, column: str, text: str | None) -> str | None:
        return self.read(column, text, lambda v: read_phone(v, self.region))

    def phones(self, column: str, text: str | None) -> tuple[str, ...]:
        return self.read_many(column, text, lambda v: read_phone(v, self.region))

    def country(self, column: str, text: str | None) -> str | None:
        return self.read(column, text, read_country)

    def countries(self, column: str, text: str | None) -> tuple[str, ...]:
        return self.read_many(column, text, read_country)

    def email(self, column: str, text: str | None) -> str | None:
        return self.read(column, text, read_email)

    def identifiers(self, column: str, text: str | None) -> tuple[str, ...]:
        return self.read_many(column, text, read_identifier)

    def name(self, column: str, text: str | None) -> str | None:
        return self.read(column, text, read_name)

    def names(self, column: str, text: str | None) -> tuple[str, ...]:
        return self.read_many(column, text, read_name)

    def address(self, column: str, text: str | None) -> str | None:
        return self.read(column, text, read_address)

    def addresses(self, column: str, text: str | None) -> tuple[str, ...]:
        return self.read_many(column, text, read_address)


def reject_if_strict(file_name: str, warnings: Sequence[ValueWarning], strict: bool) -> None:
    """With `strict`, any unreadable value rejects the file (FileRejected names each one)."""
    if strict and warnings:
        raise FileRejected(file_name, [w.as_row_error() for w in warnings])


def warnings_csv(warnings: Iterable[ValueWarning]) -> str:
    """The warning report: row, column, the value as written, the reason (CSV-safe cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WARNING_COLUMNS)
    for w in warnings:
        writer.writerow((w.row, safe_text(w.column), safe_text(w.value), safe_text(w.reason)))
    return buffer.getvalue()


def summarise(warnings: Sequence[ValueWarning], limit: int = 3) -> str:
    """One line for a console or an API answer: how many, in which columns, the first few."""
    if not warnings:
        return "every value was read"
    columns = sorted({w.column for w in warnings})
    said = (
        f"{len(warnings)} value(s) could not be read and were kept as written, not used as "
        f"evidence, in {', '.join(columns)}"
    )
    if limit <= 0:
        return said
    first = "; ".join(str(w) for w in warnings[:limit])
    more = f" (and {len(warnings) - limit} more)" if len(warnings) > limit else ""
    return f"{said}: {first}{more}"
