"""Reading a watchlist file (CSV or FtM JSON lines) into entries, and a screening query file.

A list an officer screens against must be what the authority published: a row that is not a
row (wrong field count, no id or name, an id seen before) is refused with its line and
nothing from the file is loaded. A value that cannot be read (a country nobody knows, a
birth date that is no date) does not drop the entry: it is kept as written in the entry's
extra fields, not used as evidence by the matcher, and reported as a warning; `--strict`
refuses the file instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from followthemoney import model, registry
from followthemoney.types.common import PropertyType

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.ftm import ParsedEntity, parse_ftm_lines, storable
from ctip.ingest.tables import Columns, Row, read_table, reject_rows
from ctip.ingest.values import RowValues, Unreadable, ValueWarning, reject_if_strict
from ctip.matching.types import ListEntry, MatchQuery

LIST_SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel")
DEFAULT_SCHEMA = "LegalEntity"
CSV_COLUMNS = ("id", "name", "aliases", "schema", "country", "birth_date", "address")
MEANINGS = {
    "id": "the row's own id, unique in the file (kept as given)",
    "name": "the name as written",
    "aliases": "other names, separated by ';'",
    "schema": f"one of {', '.join(LIST_SCHEMATA)} (default {DEFAULT_SCHEMA})",
    "country": "country names or codes, separated by ';'",
    "birth_date": "dates such as 1969-07-16, 16.07.1969, July 1969 or 1969, separated by ';'",
    "address": "addresses, separated by ';'",
    "identifiers": "passport, registration or tax numbers, separated by ';'",
}
WATCHLIST_COLUMNS = Columns(
    ("id", "name"), ("aliases", "schema", "country", "birth_date", "address"), MEANINGS
)
QUERY_COLUMNS = Columns(
    ("id", "name"), ("schema", "country", "birth_date", "address", "identifiers"), MEANINGS
)
MAX_QUERY_NAME = 500
UNREAD_PREFIX = "as written: "
MAX_ENTRY_ID = 200
NAME_PROPS = ("name", "alias", "previousName", "weakAlias")


@dataclass
class GoodsRule:
    """A goods x place rule of a list (a country-wide WRO, a TVPRA good x country)."""

    rule_id: str
    goods: str
    country: str
    place: str
    hts_headings: tuple[str, ...] = ()
    labour: tuple[str, ...] = ()
    basis: str = ""


@dataclass
class PreparedList:
    """A file read and validated whole: its entries, rules and FtM lines for the store."""

    file_name: str
    sha256: str
    entries: list[ListEntry] = field(default_factory=list)
    rules: list[GoodsRule] = field(default_factory=list)
    ftm_lines: bytes = b""
    native_ids: bool = False
    """True when the entries came as FtM entities: their ids are the store's entity ids."""
    warnings: list[ValueWarning] = field(default_factory=list)
    """Values kept as written but not used as evidence (row, column, reason)."""

    def entity_id(self, list_name: str, entry_id: str) -> str:
        """Where an entry lives in the entity store."""
        return entry_id if self.native_ids else entity_id_for(list_name, entry_id)


def content_hash(data: bytes) -> str:
    """SHA-256 of the bytes as loaded: the same file twice is one edition."""
    return hashlib.sha256(data).hexdigest()


def decode_text(data: bytes, file_name: str) -> str:
    """UTF-8 text (a BOM is allowed), or the file is refused as a whole."""
    try:
        return storable(data.decode("utf-8-sig"), "the file")
    except UnicodeDecodeError as error:
        raise FileRejected(file_name, [RowError(1, f"not UTF-8 text ({error.reason})")]) from None
    except ValueError as error:
        raise FileRejected(file_name, [RowError(1, str(error))]) from None


def csv_rows(
    data: bytes, file_name: str, required: Iterable[str]
) -> list[tuple[int, dict[str, str]]]:
    """(row number, row) for every data row; a missing column rejects the file (row 1)."""
    try:
        return _csv_rows(decode_text(data, file_name), file_name, tuple(required))
    except csv.Error as error:
        raise FileRejected(file_name, [RowError(1, f"not a readable CSV ({error})")]) from None


def _csv_rows(
    text: str, file_name: str, required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(h or "").strip().lower().replace(" ", "_") for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise FileRejected(file_name, [RowError(1, f"missing column(s): {', '.join(missing)}")])
    reader.fieldnames = header
    rows = []
    for row in reader:
        if None in row:
            rows.append((reader.line_num, {"__extra__": "more values than columns"}))
            continue
        values = {k: (v or "").strip() for k, v in row.items()}
        if any(values.values()):
            rows.append((reader.line_num, values))
    return rows


def split_values(text: str) -> tuple[str, ...]:
    """A ';'-separated cell as its values, blanks dropped, order and case kept."""
    return tuple(dict.fromkeys(v.strip() for v in text.split(";") if v.strip()))


def clean_values(kind: PropertyType, values: Iterable[str], what: str) -> tuple[str, ...]:
    """Values read by an FtM type (country names to codes, dates); ValueError names a bad one."""
    cleaned = []
    for value in values:
        result = kind.clean(value)
        if result is None:
            raise ValueError(f"{what} {value!r} is not a valid {kind.name}")
        cleaned.append(str(result))
    return tuple(dict.fromkeys(cleaned))


def _schema(values: RowValues, written: str) -> str:
    """The row's schema; an unknown one is warned about and read as the broadest."""
    if not written:
        return DEFAULT_SCHEMA
    for schema in LIST_SCHEMATA:
        if schema.lower() == written.lower():
            return schema
    values.read("schema", written, _unknown_schema)
    return DEFAULT_SCHEMA


def _unknown_schema(written: str) -> str:
    raise Unreadable(
        f"schema {written!r} is not one of {', '.join(LIST_SCHEMATA)}; read as {DEFAULT_SCHEMA}"
    )


def _kept_as_written(values: RowValues, first: int) -> dict[str, str]:
    """The values of this row that could not be read, by column, as written."""
    kept: dict[str, list[str]] = {}
    for warning in values.warnings[first:]:
        kept.setdefault(warning.column, []).append(warning.value)
    return {f"{UNREAD_PREFIX}{column}": "; ".join(v) for column, v in kept.items()}


def entry_from_row(row: Row, values: RowValues) -> ListEntry:
    """One CSV row as an entry; unreadable values go to `values.warnings` and `extra`."""
    first = len(values.warnings)
    entry_id, name = row.get("id"), row.get("name")
    if len(entry_id) > MAX_ENTRY_ID:
        raise ValueError(f"id longer than {MAX_ENTRY_ID} characters")
    schema = _schema(values, row.get("schema"))
    birth_dates = values.dates("birth_date", row.get("birth_date"))
    if birth_dates and schema != "Person":
        values.read("birth_date", row.get("birth_date"), _not_a_person(schema))
        birth_dates = ()
    return ListEntry(
        list_name="",
        edition="",
        entry_id=entry_id,
        schema=schema,
        name=name,
        aliases=tuple(a for a in values.names("aliases", row.get("aliases")) if a != name),
        countries=values.countries("country", row.get("country")),
        birth_dates=birth_dates,
        addresses=values.addresses("address", row.get("address")),
        extra=_kept_as_written(values, first),
    )


def _not_a_person(schema: str) -> Callable[[str], str]:
    def refuse(_written: str) -> str:
        raise Unreadable(f"birth_date is for Person entries, this one is a {schema}")

    return refuse


def entry_from_csv_row(row: dict[str, str]) -> ListEntry:
    """One CSV row (a dict of cells) as an entry; ValueError when it is no entry at all."""
    if not row.get("id") or not row.get("name"):
        raise ValueError("id and name are required")
    return entry_from_row(Row(0, row), RowValues(0))


def read_entries_csv(
    data: bytes, file_name: str, region: str | None = None
) -> tuple[list[ListEntry], list[ValueWarning]]:
    """A watchlist CSV (id, name; optional aliases, schema, country, birth_date, address):
    the entries and the values that could not be read. Structural faults reject the file."""
    table = read_table(data, file_name, WATCHLIST_COLUMNS)
    entries: list[ListEntry] = []
    warnings: list[ValueWarning] = []
    errors = list(table.rejected)
    for row in table.rows:
        values = RowValues(row.line, region)
        try:
            entry = entry_from_row(row, values)
            storable(json.dumps(row.cells, ensure_ascii=False), "the row")
        except ValueError as error:
            errors.append(RowError(row.line, str(error)))
            continue
        warnings.extend(values.warnings)
        entries.append(entry)
    if errors:
        raise FileRejected(file_name, sorted(errors, key=lambda e: e.row))
    if not entries:
        raise FileRejected(file_name, [RowError(1, "the file holds no entries")])
    return entries, warnings


@dataclass
class QueryFile:
    """A screening query file read: the queries and the values kept but not used."""

    queries: list[MatchQuery]
    warnings: list[ValueWarning]


def query_from_row(row: Row, values: RowValues) -> MatchQuery:
    """One query row; ValueError when its name is too long to be a name."""
    name = row.get("name")
    if len(name) > MAX_QUERY_NAME:
        raise ValueError(f"name is longer than {MAX_QUERY_NAME} characters")
    return MatchQuery(
        row.get("id"),
        name,
        _schema(values, row.get("schema")),
        countries=values.countries("country", row.get("country")),
        birth_dates=values.dates("birth_date", row.get("birth_date")),
        addresses=values.addresses("address", row.get("address")),
        identifiers=values.identifiers("identifiers", row.get("identifiers")),
    )


def read_query_file(
    data: bytes, file_name: str, region: str | None = None, strict: bool = False
) -> QueryFile:
    """Every query of a CSV (id, name; optional schema, country, birth_date, address,
    identifiers). Rows that are not rows reject the file; unreadable values are warnings
    (rejections with `strict`)."""
    table = read_table(data, file_name, QUERY_COLUMNS)
    reject_rows(file_name, table)
    queries, warnings, errors = [], [], []
    for row in table.rows:
        values = RowValues(row.line, region)
        try:
            queries.append(query_from_row(row, values))
        except ValueError as error:
            errors.append(RowError(row.line, str(error)))
        warnings.extend(values.warnings)
    if errors:
        raise FileRejected(file_name, errors)
    if not queries:
        raise FileRejected(file_name, [RowError(1, "the file holds no names to screen")])
    reject_if_strict(file_name, warnings, strict)
    return QueryFile(queries, warnings)


def collect_rows(
    rows: list[tuple[int, dict[str, str]]],
    read: Callable[[dict[str, str]], ListEntry],
    file_name: str,
) -> list[ListEntry]:
    """Read every row; reject the file naming each bad row and each duplicate id."""
    entries: list[ListEntry] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for number, row in rows:
        try:
            entry = read(row)
            storable(json.dumps(row, ensure_ascii=False), "the row")
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        if entry.entry_id in first_row:
            errors.append(
                RowError(number, f"id {entry.entry_id!r} also on row {first_row[entry.entry_id]}")
            )
            continue
        first_row[entry.entry_id] = number
        entries.append(entry)
    if errors:
        raise FileRejected(file_name, errors)
    if not entries:
        raise FileRejected(file_name, [RowError(1, "the file holds no entries")])
    return entries


def entry_from_ftm(entity: ParsedEntity) -> ListEntry | None:
    """An FtM entity as an entry, or None for entities without a name (links, addresses)."""
    values: dict[str, list[str]] = {}
    for stated in entity.values:
        values.setdefault(stated.prop.name, []).append(stated.value)
    names = [n for prop in NAME_PROPS for n in values.get(prop, [])]
    if not names or not entity.schema.is_a("Thing"):
        return None
    identifiers = [v.value for v in entity.values if v.prop.type is registry.identifier]
    return ListEntry(
        list_name="",
        edition="",
        entry_id=entity.entity_id,
        schema=entity.schema.name,
        name=names[0],
        aliases=tuple(n for n in dict.fromkeys(names[1:]) if n != names[0]),
        countries=tuple(
            dict.fromkeys(v.value for v in entity.values if v.prop.type is registry.country)
        ),
        birth_dates=tuple(values.get("birthDate", [])),
        addresses=tuple(values.get("address", [])),
        identifiers=tuple(dict.fromkeys(identifiers)),
        notes="; ".join(values.get("notes", [])),
    )


def read_entries_ftm(data: bytes, file_name: str) -> list[ListEntry]:
    """FtM JSON lines: every line validated by the store's strict reader."""
    parsed = parse_ftm_lines(data, file_name)
    entries = [e for e in (entry_from_ftm(p) for p in parsed.entities) if e is not None]
    if not entries:
        raise FileRejected(file_name, [RowError(1, "no entity with a name to list")])
    return list({e.entry_id: e for e in entries}.values())


def is_ftm_lines(data: bytes) -> bool:
    """FtM JSON lines start with '{'; a CSV starts with its header."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def entity_id_for(list_name: str, entry_id: str) -> str:
    """The entity id of a CSV entry in the store: stable across editions of the list."""
    return f"{list_name}-{entry_id}"[:255]


def ftm_entity(list_name: str, entry: ListEntry) -> dict[str, Any]:
    """An entry as an FtM entity, so it shows in entity search with its list as source."""
    schema = model.get(entry.schema) or model.get(DEFAULT_SCHEMA)
    assert schema is not None
    properties: dict[str, list[str]] = {"name": [entry.name]}
    wanted = {
        "alias": list(entry.aliases),
        "country": list(entry.countries),
        "birthDate": list(entry.birth_dates),
        "address": list(entry.addresses),
        "notes": [entry.notes] if entry.notes else [],
    }
    for prop, values in wanted.items():
        if values and schema.get(prop) is not None:
            properties[prop] = values
    return {
        "id": entity_id_for(list_name, entry.entry_id),
        "schema": schema.name,
        "properties": properties,
    }


def ftm_lines(list_name: str, entries: Iterable[ListEntry]) -> bytes:
    """Entries as FtM JSON lines (sorted keys: the same entries give the same bytes)."""
    return b"".join(
        (json.dumps(ftm_entity(list_name, e), ensure_ascii=False, sort_keys=True) + "\n").encode()
        for e in entries
    )


def prepare_watchlist(data: bytes, file_name: str, list_name: str) -> PreparedList:
    """A watchlist file of either format, validated whole, ready to store."""
    if is_ftm_lines(data):
        entries = read_entries_ftm(data, file_name)
        return PreparedList(file_name, content_hash(data), entries, [], data, native_ids=True)
    entries, warnings = read_entries_csv(data, file_name)
    lines = ftm_lines(list_name, entries)
    return PreparedList(file_name, content_hash(data), entries, [], lines, warnings=warnings)
