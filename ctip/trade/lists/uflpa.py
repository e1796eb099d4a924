"""The UFLPA Entity List: a CSV of name, aliases, address, country, date added, section.

Goods made wholly or in part by a listed entity are presumed made with forced labour (UFLPA
section 3), so each entry keeps the date it was added and the section of 2(d)(2)(B) it was
listed under: screening explanations cite them. The package ships a small attributed
excerpt (`data/uflpa_sample.csv`); an officer loads the official file.
"""

from __future__ import annotations

import re
from importlib import resources

from followthemoney import registry
from normality import slugify

from ctip.lists.readers import (
    PreparedList,
    clean_values,
    collect_rows,
    content_hash,
    csv_rows,
    ftm_lines,
    split_values,
)
from ctip.matching.types import ListEntry

SECTION = re.compile(r"^(?:section\s+)?2\(d\)\(2\)\(B\)\((?:i|ii|iii|iv|v)\)$", re.IGNORECASE)
SAMPLE_FILE = "uflpa_sample.csv"


def entry_from_row(row: dict[str, str]) -> ListEntry:
    """One UFLPA row as an entry; ValueError with the reason when a field is bad."""
    name = row.get("name", "")
    entry_id = slugify(name) or ""
    if not entry_id:
        raise ValueError("name is required")
    section = row.get("section", "")
    if section and not SECTION.match(section):
        raise ValueError(f"section {section!r}: expected 2(d)(2)(B)(i) to (v)")
    added = clean_values(registry.date, split_values(row.get("date_added", "")), "date_added")
    return ListEntry(
        list_name="",
        edition="",
        entry_id=entry_id[:200],
        schema="LegalEntity",
        name=name,
        aliases=tuple(a for a in split_values(row.get("aliases", "")) if a != name),
        countries=clean_values(registry.country, split_values(row.get("country", "")), "country"),
        addresses=split_values(row.get("address", "")),
        notes=f"UFLPA Entity List, section {section}" if section else "UFLPA Entity List",
        extra={"date_added": added[0] if added else "", "section": section},
    )


def prepare_uflpa(data: bytes, file_name: str, list_name: str) -> PreparedList:
    """A UFLPA Entity List CSV validated whole, ready to store as an edition."""
    rows = csv_rows(data, file_name, ("name", "country"))
    entries = collect_rows(rows, entry_from_row, file_name)
    return PreparedList(file_name, content_hash(data), entries, [], ftm_lines(list_name, entries))


def sample_bytes() -> bytes:
    """The excerpt shipped with the package (see data/README.md for its source)."""
    return resources.files("ctip.trade.lists").joinpath("data", SAMPLE_FILE).read_bytes()
