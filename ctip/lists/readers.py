"""Reading a watchlist file (CSV or FtM JSON lines) into entries, and a screening query file.

A list an officer screens against must be what the authority published: a row that is not a
row (wrong field count, no id or name, an id seen before) is refused with its line and
nothing from the file is loaded. A value that cannot be read (a country nobody knows, a
birth date that is no date) does not drop the entry: it is kept as written in the entry's
extra fields, not used as evidence by the matcher, and reported as a warning; `--strict`
refuses the file instead.

A watchlist of a million entries is read from disk pass by pass, never held whole: a first
pass validates every row and hashes the file, and the store reads the file again while it
writes the entries and then the listed parties (`StreamedList`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from followthemoney import model, registry
from followthemoney.schema import Schema
from followthemoney.types.common import PropertyType

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.ftm import ParsedEntity, parse_entity_line, storable
from ctip.ingest.tables import Columns, Row, read_table, reject_rows, table_rows
from ctip.ingest.values import RowValues, Unreadable, ValueWarning, reject_if_strict
from ctip.matching.types import ListEntry, MatchQuery
from ctip.model.errors import InvalidInput

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
READ_CHUNK = 1 << 20
"""Bytes read at a time when a file is hashed or checked."""

Opener = Callable[[], IO[bytes]]
"""Opens a list file afresh for each pass over it: a path on disk, or bytes already held."""


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


@dataclass(frozen=True)
class StreamedList:
    """A watchlist file validated whole by a first pass, read again from disk while it is
    stored: its entries once (`entries`), then its parties as FtM entities once
    (`entities`), so no pass holds more than a row of it.

    `entity_sha256` and `entity_count` name the FtM lines the entity store gets (the file
    itself for FtM lines; for a CSV, the lines its entries make). For FtM lines,
    `kept_lines` marks with 1 the line whose entity is its id's entry: the last line of an
    id that names it, as a file read whole kept it."""

    open_file: Opener
    file_name: str
    list_name: str
    entry_count: int
    entity_sha256: str
    entity_count: int
    native: bool = False
    region: str | None = None
    kept_lines: bytes = b""

    def entries(self) -> Iterator[ListEntry]:
        """Every entry, in file order, read from the file again."""
        if self.native:
            return (entry_from_ftm(e) or _gone(e) for e in self._ftm() if self.kept_lines[e.line])
        return self._csv_entries()

    def entities(self) -> Iterator[ParsedEntity]:
        """Every party as the strict FtM reader reads it, read from the file again."""
        if self.native:
            return self._ftm()
        lines = (ftm_line(self.list_name, e) for e in self._csv_entries())
        return (_parsed(n, line, self.file_name) for n, line in enumerate(lines, start=1))

    def _csv_entries(self) -> Iterator[ListEntry]:
        for row in _csv_items(self.open_file, self.file_name):
            if isinstance(row, RowError):
                raise _changed(self.file_name)
            try:
                yield entry_from_row(row, RowValues(row.line, self.region))
            except ValueError:
                raise _changed(self.file_name) from None

    def _ftm(self) -> Iterator[ParsedEntity]:
        for number, line in _binary_lines(self.open_file):
            if line.strip():
                yield _parsed(number, line, self.file_name)


def _gone(entity: ParsedEntity) -> ListEntry:
    """An entry the first pass saw and the second does not: the file changed meanwhile."""
    raise _changed(f"line {entity.line}")


def _changed(what: str) -> InvalidInput:
    return InvalidInput(f"{what} changed while it was loaded; nothing was loaded")


def _parsed(number: int, line: bytes, file_name: str) -> ParsedEntity:
    """One FtM line read strictly; a bad one rejects the file, naming it."""
    try:
        return parse_entity_line(number, line)
    except ValueError as error:
        raise FileRejected(file_name, [RowError(number, str(error))]) from None


@dataclass
class PreparedList:
    """A file read and validated whole: its entries, rules and FtM lines for the store.

    A watchlist is `streamed` instead: its entries and parties are read from its file
    again while the store writes them (`entries` and `ftm_lines` stay empty)."""

    file_name: str
    sha256: str
    entries: list[ListEntry] = field(default_factory=list)
    rules: list[GoodsRule] = field(default_factory=list)
    ftm_lines: bytes = b""
    native_ids: bool = False
    """True when the entries came as FtM entities: their ids are the store's entity ids."""
    warnings: list[ValueWarning] = field(default_factory=list)
    """Values kept as written but not used as evidence (row, column, reason)."""
    streamed: StreamedList | None = None

    @property
    def entry_count(self) -> int:
        """How many entries the edition will hold."""
        return self.streamed.entry_count if self.streamed else len(self.entries)

    def each_entry(self) -> Iterator[ListEntry]:
        """Every entry in order: held, or read from the file again."""
        return self.streamed.entries() if self.streamed else iter(self.entries)

    def check_unchanged(self) -> None:
        """Refuse a streamed file whose bytes are no longer those validated and hashed."""
        if self.streamed and file_sha256(self.streamed.open_file) != self.sha256:
            raise _changed(self.file_name)

    def entity_id(self, list_name: str, entry_id: str) -> str:
        """Where an entry lives in the entity store."""
        return entry_id if self.native_ids else entity_id_for(list_name, entry_id)


def opener(path: Path) -> Opener:
    """Opens the file at `path` for reading its bytes, at each pass."""
    return lambda: path.open("rb")


def content_hash(data: bytes) -> str:
    """SHA-256 of the bytes as loaded: the same file twice is one edition."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(open_file: Opener) -> str:
    """`content_hash` of a file read a chunk at a time."""
    digest = hashlib.sha256()
    with open_file() as stream:
        while chunk := stream.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_text(open_file: Opener, file_name: str) -> None:
    """`decode_text` of a file read a chunk at a time: UTF-8 (a BOM allowed) that a store
    can keep, or the file is refused as a whole (line 1), in the same words."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    try:
        with open_file() as stream:
            while chunk := stream.read(READ_CHUNK):
                storable(decoder.decode(chunk), "the file")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise FileRejected(file_name, [RowError(1, f"not UTF-8 text ({error.reason})")]) from None
    except ValueError as error:
        raise FileRejected(file_name, [RowError(1, str(error))]) from None


def text_lines(open_file: Opener, file_name: str) -> Iterator[str]:
    """The file's lines as text (newlines kept, as `csv` wants them), read as they are
    needed: UTF-8 without NUL, or the file is refused naming the line, in the words of
    `ctip.ingest.tables.decode` for a file read whole."""
    newlines = 0
    try:
        with open_file() as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            for line in text:
                if "\x00" in line:
                    at = newlines + line[: line.index("\x00")].count("\n") + 1
                    raise FileRejected(file_name, [RowError(at, "the file holds a NUL character")])
                newlines += line.count("\n")
                yield line
    except UnicodeDecodeError:
        raise _utf8_fault(open_file, file_name) from None


def _utf8_fault(open_file: Opener, file_name: str) -> FileRejected:
    """Where a file stops being UTF-8 (its line; the byte counted after any BOM), found by
    reading it again a chunk at a time: a sequence cut by a chunk's end goes on to the next."""
    offset, newlines = 0, 0
    with open_file() as stream:
        carry = stream.read(len(codecs.BOM_UTF8)).removeprefix(codecs.BOM_UTF8)
        while True:
            chunk = stream.read(READ_CHUNK)
            data = carry + chunk
            try:
                data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as error:
                if not (chunk and error.reason == "unexpected end of data"):
                    line = newlines + data[: error.start].count(b"\n") + 1
                    reason = f"{error.reason} at byte {offset + error.start}"
                    return FileRejected(file_name, [RowError(line, _not_utf8(reason))])
                data, carry = data[: error.start], data[error.start :]
            if not chunk:
                return FileRejected(file_name, [RowError(1, _not_utf8("changed while read"))])
            offset, newlines = offset + len(data), newlines + data.count(b"\n")


def _not_utf8(reason: str) -> str:
    return f"not UTF-8 text ({reason}); save it as UTF-8"


def _binary_lines(open_file: Opener) -> Iterator[tuple[int, bytes]]:
    """(line number from 1, the line's bytes) of a file read as the lines are needed."""
    with open_file() as stream:
        yield from enumerate(stream, start=1)


def _csv_items(open_file: Opener, file_name: str) -> Iterator[Row | RowError]:
    """A watchlist CSV's rows, each whole or rejected for its structure, as they are read."""
    return table_rows(text_lines(open_file, file_name), file_name, WATCHLIST_COLUMNS)


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
    prepared = prepare_csv(partial(io.BytesIO, data), file_name, "", region)
    return list(prepared.each_entry()), prepared.warnings


def prepare_csv(
    open_file: Opener, file_name: str, list_name: str, region: str | None = None
) -> PreparedList:
    """A watchlist CSV validated row by row as it is read (every bad row named, the file
    refused if any), hashed, and streamed: its entries are read again when stored."""
    errors: list[RowError] = []
    warnings: list[ValueWarning] = []
    lines, count = hashlib.sha256(), 0
    for row in _csv_items(open_file, file_name):
        if isinstance(row, RowError):
            errors.append(row)
            continue
        values = RowValues(row.line, region)
        try:
            entry = entry_from_row(row, values)
            storable(json.dumps(row.cells, ensure_ascii=False), "the row")
        except ValueError as error:
            errors.append(RowError(row.line, str(error)))
            continue
        warnings.extend(values.warnings)
        lines.update(ftm_line(list_name, entry))
        count += 1
    if errors:
        raise FileRejected(file_name, sorted(errors, key=lambda e: e.row))
    if not count:
        raise FileRejected(file_name, [RowError(1, "the file holds no entries")])
    streamed = StreamedList(
        open_file, file_name, list_name, count, lines.hexdigest(), count, region=region
    )
    return PreparedList(file_name, file_sha256(open_file), warnings=warnings, streamed=streamed)


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


def prepare_ftm(open_file: Opener, file_name: str, list_name: str) -> PreparedList:
    """FtM JSON lines, every line validated by the store's strict reader as it is read
    (each bad line named, the file refused if any), hashed, and streamed. An id on several
    lines is one entry: the last of its lines that names it."""
    first_schema: dict[str, tuple[int, Schema]] = {}
    entry_line: dict[str, int] = {}
    errors: list[RowError] = []
    repeats: list[RowError] = []
    last = 0
    for number, line in _binary_lines(open_file):
        last = number
        if not line.strip():
            continue
        try:
            entity = parse_entity_line(number, line)
        except ValueError as error:
            errors.append(RowError(number, str(error)))
            continue
        repeats.extend(_schema_fault(first_schema, entity))
        if entry_from_ftm(entity) is not None:
            entry_line[entity.entity_id] = number
    if errors or repeats:
        raise FileRejected(file_name, errors + repeats)
    if not entry_line:
        raise FileRejected(file_name, [RowError(1, "no entity with a name to list")])
    kept = bytearray(last + 1)
    for number in entry_line.values():
        kept[number] = 1
    sha256 = file_sha256(open_file)
    streamed = StreamedList(
        open_file,
        file_name,
        list_name,
        len(entry_line),
        sha256,
        len(first_schema),
        native=True,
        kept_lines=bytes(kept),
    )
    return PreparedList(file_name, sha256, native_ids=True, streamed=streamed)


def _schema_fault(
    first_schema: dict[str, tuple[int, Schema]], entity: ParsedEntity
) -> list[RowError]:
    """Two lines with one id and different schemata cannot both be right (as the store's
    FtM reader says of a file read whole)."""
    seen = first_schema.setdefault(entity.entity_id, (entity.line, entity.schema))
    if seen[1] is entity.schema or seen[1].can_match(entity.schema):
        return []
    reason = (
        f"id {entity.entity_id!r} was a {seen[1].name} on line {seen[0]}, "
        f"now a {entity.schema.name}"
    )
    return [RowError(entity.line, reason)]


def is_ftm_lines(data: bytes) -> bool:
    """FtM JSON lines start with '{'; a CSV starts with its header."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def starts_as_ftm_lines(open_file: Opener) -> bool:
    """`is_ftm_lines` of a file, reading only as far as its first character."""
    with open_file() as stream:
        while chunk := stream.read(READ_CHUNK):
            if chunk.lstrip(b"\xef\xbb\xbf \t\r\n"):
                return is_ftm_lines(chunk)
    return False


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


def ftm_line(list_name: str, entry: ListEntry) -> bytes:
    """An entry as one FtM JSON line (sorted keys: the same entry gives the same bytes)."""
    text = json.dumps(ftm_entity(list_name, entry), ensure_ascii=False, sort_keys=True)
    return (text + "\n").encode()


def ftm_lines(list_name: str, entries: Iterable[ListEntry]) -> bytes:
    """Entries as FtM JSON lines (sorted keys: the same entries give the same bytes)."""
    return b"".join(ftm_line(list_name, e) for e in entries)


def prepare_watchlist_from(open_file: Opener, file_name: str, list_name: str) -> PreparedList:
    """A watchlist file of either format, validated whole, ready to store (streamed)."""
    if starts_as_ftm_lines(open_file):
        return prepare_ftm(open_file, file_name, list_name)
    return prepare_csv(open_file, file_name, list_name)


def prepare_watchlist_file(path: Path, file_name: str, list_name: str) -> PreparedList:
    """A watchlist file on disk, read pass by pass (the file must stay as it is until the
    edition is stored: a change is caught and refused)."""
    return prepare_watchlist_from(opener(path), file_name, list_name)


def prepare_watchlist(data: bytes, file_name: str, list_name: str) -> PreparedList:
    """A watchlist file's bytes, validated whole, ready to store."""
    return prepare_watchlist_from(partial(io.BytesIO, data), file_name, list_name)
