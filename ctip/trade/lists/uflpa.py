"""The UFLPA Entity List: a CSV of name, aliases, address, country, date added, section.

Goods made wholly or in part by a listed entity are presumed made with forced labour (UFLPA
section 3), so each entry keeps the date it was added and the section of 2(d)(2)(B) it was
listed under: screening explanations cite them. A date, country or section that cannot be
read does not drop the entity: it is kept as written (`as written: date_added`), not used,
and warned about. The package ships a small attributed excerpt (`data/uflpa_sample.csv`);
an officer loads the official file.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Final

from normality import slugify

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.tables import Columns, Row
from ctip.ingest.values import RowValues, Unreadable, ValueWarning
from ctip.lists.readers import PreparedList, content_hash, ftm_lines, split_values
from ctip.matching.types import ListEntry
from ctip.trade.lists.reading import (
    LIST_DATE_REGION,
    kept_as_written,
    list_rows,
    unique_entries,
)

SECTION = re.compile(r"^(?:section\s+)?2\(d\)\(2\)\(B\)\((?:i|ii|iii|iv|v)\)$", re.IGNORECASE)
SAMPLE_FILE = "uflpa_sample.csv"
MAX_ENTRY_ID = 200
UFLPA_COLUMNS: Final = Columns(
    ("name",),
    ("aliases", "address", "country", "date_added", "section"),
    {
        "name": "the entity's name as listed (its id is the name, slugified)",
        "aliases": "other names, separated by ';'",
        "address": "addresses, separated by ';'",
        "country": "country names or codes, separated by ';'",
        "date_added": "when it was listed, e.g. 2022-06-21 or 6/21/2022",
        "section": "the UFLPA 2(d)(2)(B) clause, (i) to (v)",
    },
    id_column=None,
)


def read_section(text: str) -> str:
    """A UFLPA 2(d)(2)(B) clause ('2(d)(2)(B)(i)' or 'section 2(d)(2)(B)(i)')."""
    if not SECTION.match(text.strip()):
        raise Unreadable(f"section {text!r}: expected 2(d)(2)(B)(i) to (v)")
    return text.strip()


def entry_from_row(row: Row, values: RowValues) -> ListEntry:
    """One UFLPA row as an entry; unreadable values go to `values.warnings` and `extra`.
    ValueError when the row is no entry (a name without a letter)."""
    first = len(values.warnings)
    name = row.get("name")
    entry_id = slugify(name) or ""
    if not entry_id:
        raise ValueError(f"name {name!r} has no letters")
    section = values.read("section", row.get("section"), read_section) or ""
    added = values.dates("date_added", row.get("date_added"))
    countries = values.countries("country", row.get("country"))
    return ListEntry(
        list_name="",
        edition="",
        entry_id=entry_id[:MAX_ENTRY_ID],
        schema="LegalEntity",
        name=name,
        aliases=tuple(a for a in split_values(row.get("aliases")) if a != name),
        countries=countries,
        addresses=split_values(row.get("address")),
        notes=f"UFLPA Entity List, section {section}" if section else "UFLPA Entity List",
        extra={
            "date_added": added[0] if added else "",
            "section": section,
            **kept_as_written(values, first),
        },
    )


def read_uflpa(data: bytes, file_name: str) -> tuple[list[ListEntry], list[ValueWarning]]:
    """The entries of a UFLPA Entity List CSV and the values that could not be read; a row
    that is no row (field count, no name, a name listed twice) rejects the file."""
    read: list[tuple[int, ListEntry]] = []
    warnings: list[ValueWarning] = []
    errors: list[RowError] = []
    for row in list_rows(data, file_name, UFLPA_COLUMNS):
        values = RowValues(row.line, LIST_DATE_REGION)
        try:
            read.append((row.line, entry_from_row(row, values)))
        except ValueError as error:
            errors.append(RowError(row.line, str(error)))
        warnings.extend(values.warnings)
    if errors:
        raise FileRejected(file_name, errors)
    return unique_entries(read, file_name), warnings


def prepare_uflpa(data: bytes, file_name: str, list_name: str) -> PreparedList:
    """A UFLPA Entity List CSV read whole, ready to store as an edition (with the values kept
    as written in `warnings`)."""
    entries, warnings = read_uflpa(data, file_name)
    prepared = PreparedList(
        file_name, content_hash(data), entries, [], ftm_lines(list_name, entries)
    )
    prepared.warnings.extend(warnings)
    return prepared


def sample_bytes() -> bytes:
    """The excerpt shipped with the package (see data/README.md for its source)."""
    return resources.files("ctip.trade.lists").joinpath("data", SAMPLE_FILE).read_bytes()
