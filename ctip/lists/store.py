"""Watchlist editions in the store: load, read (`list_entries`), compare two editions.

`list_entries(session, list_name, edition=None)` is the contract every screening engine
reads lists through. Loading is all or nothing in the caller's transaction, idempotent by
content hash, audited, and writes each entry into the entity store as an FtM entity (source
`list-<name>`), so a listed party shows in entity search with where it came from.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Row, func, insert, select
from sqlalchemy.orm import Session

from ctip.ingest.files import Counts, FileWrite, IncomingFile, import_file
from ctip.ingest.ftm_import import import_ftm_bytes, import_ftm_entities
from ctip.lists.readers import (
    GoodsRule,
    PreparedList,
    prepare_watchlist,
    prepare_watchlist_file,
)
from ctip.lists.tables import GoodsPlaceRule, ListEdition, ListEntryRow
from ctip.matching import warm
from ctip.matching.types import ListEntry
from ctip.model.errors import Conflict, InvalidInput, NotFound
from ctip.store.db import utc_now
from ctip.store.paging import Listing, ListingField
from ctip.store.tables import FileImportRow

LIST_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,94}$")
EDITION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")
LIST_FIELDS = ("aliases", "countries", "birth_dates", "addresses", "identifiers")
COMPARED_FIELDS = ("schema", "name", *LIST_FIELDS, "includes_subsidiaries", "notes", "extra")
FILE_KIND = "list-edition"
ENTRY_BATCH = 5_000  # entry rows inserted in one statement, or read in one batch
ENTRY_COLUMNS = (
    ListEntryRow.entry_id,
    ListEntryRow.entity_id,
    ListEntryRow.schema,
    ListEntryRow.name,
    ListEntryRow.includes_subsidiaries,
    ListEntryRow.notes,
    ListEntryRow.extra,
    *(getattr(ListEntryRow, name) for name in LIST_FIELDS),
)
"""What an entry is read from (not its ids in the store, nor its content hash)."""
SHARED_VALUES = 1 << 14
"""Distinct list-column texts whose values an edition's entries share as they are read."""


class UnknownList(NotFound):
    """No such list or edition (404 in the API)."""


@dataclass(frozen=True)
class EditionFacts:
    """What names an edition and what it holds: the first fields of a load and of a listing."""

    list_name: str
    edition: str
    kind: str
    file_name: str
    content_sha256: str
    entries: int
    rules: int


@dataclass(frozen=True)
class LoadOutcome(EditionFacts):
    """What loading a list file did; `already_loaded` means the same bytes were loaded before."""

    already_loaded: bool


@dataclass(frozen=True)
class EditionInfo(EditionFacts):
    """One edition of a list."""

    loaded_at: str
    loaded_by: str


@dataclass(frozen=True)
class ListSummary:
    """A list with its latest edition and how many editions it has."""

    list_name: str
    kind: str
    latest: EditionInfo
    editions: int


@dataclass(frozen=True)
class EntryChange:
    """One entry whose fields differ between two editions."""

    entry_id: str
    name: str
    fields: dict[str, tuple[Any, Any]]


@dataclass
class EditionDiff:
    """What changed from one edition of a list to another."""

    list_name: str
    old: str | None
    new: str | None
    added: list[ListEntry] = field(default_factory=list)
    removed: list[ListEntry] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)


def check_list_name(list_name: str) -> str:
    """A list name is a lower-case slug: it also names the entity-store source `list-<name>`."""
    if not LIST_NAME.match(list_name):
        raise InvalidInput(
            f"list name {list_name!r}: 1-95 characters, lower-case letters, digits, '_', '.', '-'"
        )
    return list_name


def check_edition_name(edition: str) -> str:
    """An edition is a short label such as a publication date ('2024-08-01')."""
    if not EDITION_NAME.match(edition):
        raise InvalidInput(f"edition {edition!r}: 1-100 letters, digits, '_', '.', ':' or '-'")
    return edition


def save_edition(
    session: Session,
    list_name: str,
    prepared: PreparedList,
    actor: str,
    edition: str | None = None,
    kind: str = "watchlist",
    progress: Callable[[int, int], None] | None = None,
    written: Callable[[int], None] | None = None,
) -> LoadOutcome:
    """Store a validated list file as a new edition (or find the same bytes loaded before).

    A new edition's screening index is built and saved here, once, before anyone screens
    against it (`progress` hears how far the build is: entries indexed, entries in all);
    screening then only opens it. `written` hears the rows written, as they go: the entry
    rows, then (once the index is saved) the statements of the listed parties in the entity
    store (a job's progress).

    The index is built between the two, so that the build, which holds the edition's
    entries whole, does not add to what the entity store's write keeps until the
    transaction ends (its SQLite page cache and key caches: about 300 MB). A file refused
    while it is read leaves no index; a load that fails after the build (its parties'
    statements) rolls back and may leave the saved index, keyed by the file's content."""
    incoming = IncomingFile(
        kind=FILE_KIND,
        scope=check_list_name(list_name),
        file_name=prepared.file_name,
        content_sha256=prepared.sha256,
        actor=actor,
        action="lists.load",
        resource=f"list:{list_name}",
    )
    load = _EditionLoad(list_name, kind, prepared, progress)
    outcome = import_file(
        session, incoming, partial(_new_label, session, load, edition), load.write, written
    )
    row = session.execute(select(ListEdition).where(ListEdition.file_id == outcome.id)).scalar_one()
    return _outcome(row, outcome.content_sha256, outcome.already_imported)


def save_index(
    session: Session,
    row: ListEdition,
    sha256: str,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Build and save an edition's screening index beside the store (kept open by this
    process), keyed as screening looks it up: a later screening opens it in milliseconds."""
    key = warm.edition_key(row.list_name, row.edition, row.id, sha256)
    directory = warm.index_dir(session.get_bind().engine.url.render_as_string())
    entries = partial(list_entries, session, row.list_name, row.edition)
    warm.index_for(key, directory, entries, warm_names=False, progress=progress)


@dataclass(frozen=True)
class _EditionLoad:
    """A list file on its way to becoming an edition of a list."""

    list_name: str
    kind: str
    prepared: PreparedList
    indexing: Callable[[int, int], None] | None = None

    def write(self, target: FileWrite, label: str) -> Counts:
        """The edition, its entries, its rules, its screening index, and its parties in the
        entity store; a streamed file is checked after to be the one hashed (else nothing
        is kept)."""
        row = _add_edition(target, self.list_name, label, self.kind, self.prepared)
        _write_entries(target.session, row, self.list_name, self.prepared, target.progress)
        _write_rules(target.session, row, self.prepared.rules)
        save_index(target.session, row, self.prepared.sha256, self.indexing)
        _write_parties(target, self.list_name, self.prepared)
        self.prepared.check_unchanged()
        target.notes.update(edition=label, list_kind=self.kind)
        return {"entries": row.entry_count, "rules": row.rule_count}


def _write_parties(target: FileWrite, list_name: str, prepared: PreparedList) -> None:
    """The listed parties in the entity store (source `list-<name>`): a streamed file's
    entities as they are read again, else the FtM lines held."""
    source, name, streamed = f"list-{list_name}", prepared.file_name, prepared.streamed
    session, actor, progress = target.session, target.actor, target.progress
    if streamed is not None:
        counted = (streamed.entity_sha256, streamed.entity_count)
        import_ftm_entities(session, streamed.entities, counted, name, source, actor, progress)
    elif prepared.ftm_lines:
        import_ftm_bytes(session, prepared.ftm_lines, name, source, actor, progress)


def _new_label(session: Session, load: _EditionLoad, edition: str | None) -> str:
    """The new edition's label (today and the hash by default), refused if already taken."""
    label = check_edition_name(edition or f"{utc_now()[:10]}-{load.prepared.sha256[:8]}")
    if _edition_row(session, load.list_name, label) is not None:
        raise Conflict(
            f"list {load.list_name!r} already has an edition {label!r} with other content"
        )
    return label


def _add_edition(
    target: FileWrite, list_name: str, label: str, kind: str, prepared: PreparedList
) -> ListEdition:
    row = ListEdition(
        list_name=list_name,
        edition=label,
        kind=kind,
        file_id=target.file_id,
        file_name=prepared.file_name[:500],
        entry_count=prepared.entry_count,
        rule_count=len(prepared.rules),
        loaded_at=utc_now(),
        loaded_by=target.actor[:100],
    )
    target.session.add(row)
    target.session.flush()
    return row


def _write_entries(
    session: Session,
    edition: ListEdition,
    list_name: str,
    prepared: PreparedList,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Every entry's row, inserted in batches of plain rows (not one ORM object each: a
    million-entry list would spend most of its load building and flushing objects);
    `progress` hears each batch's size once it is in."""
    rows = (
        _entry_row(edition.id, prepared.entity_id(list_name, entry.entry_id), entry)
        for entry in prepared.each_entry()
    )
    while batch := list(islice(rows, ENTRY_BATCH)):
        session.execute(insert(ListEntryRow), batch)
        if progress is not None:
            progress(len(batch))


def _entry_row(edition_id: int, entity_id: str, entry: ListEntry) -> dict[str, Any]:
    fields = entry_fields(entry)
    return {
        "edition_id": edition_id,
        "entry_id": entry.entry_id,
        "entity_id": entity_id,
        "schema": entry.schema,
        "name": entry.name,
        "includes_subsidiaries": entry.includes_subsidiaries,
        "notes": entry.notes,
        "extra": json.dumps(entry.extra, ensure_ascii=False, sort_keys=True),
        "content_sha256": hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest(),
        **{
            name: json.dumps(list(getattr(entry, name)), ensure_ascii=False) for name in LIST_FIELDS
        },
    }


def entry_fields(entry: ListEntry) -> dict[str, Any]:
    """The fields that make an entry what it is (not which list or edition holds it):
    tuples stay tuples and `extra` is copied, as `dataclasses.asdict` gave them, without
    its deep copy of every value."""
    data = {name: getattr(entry, name) for name in COMPARED_FIELDS}
    data["extra"] = dict(entry.extra)
    return data


def _write_rules(session: Session, edition: ListEdition, rules: Sequence[GoodsRule]) -> None:
    for rule in rules:
        session.add(
            GoodsPlaceRule(
                edition_id=edition.id,
                rule_id=rule.rule_id,
                goods=rule.goods,
                hts_headings=";".join(rule.hts_headings),
                country=rule.country,
                place=rule.place,
                labour=";".join(rule.labour),
                basis=rule.basis,
            )
        )
    session.flush()


def _edition_row(session: Session, list_name: str, edition: str) -> ListEdition | None:
    query = select(ListEdition).where(
        ListEdition.list_name == list_name, ListEdition.edition == edition
    )
    return session.execute(query).scalar_one_or_none()


def _facts(row: ListEdition, sha256: str) -> tuple[str, str, str, str, str, int, int]:
    """The `EditionFacts` fields of an edition's row, in order."""
    return (
        row.list_name,
        row.edition,
        row.kind,
        row.file_name,
        sha256,
        row.entry_count,
        row.rule_count,
    )


def _outcome(row: ListEdition, sha256: str, already_loaded: bool) -> LoadOutcome:
    return LoadOutcome(*_facts(row, sha256), already_loaded)


def _info(row: ListEdition, sha256: str) -> EditionInfo:
    return EditionInfo(*_facts(row, sha256), row.loaded_at, row.loaded_by)


def edition_sha256(session: Session, row: ListEdition) -> str:
    """The content hash of the file an edition was loaded from (its index is keyed by it)."""
    file = session.get(FileImportRow, row.file_id)
    return file.content_sha256 if file is not None else ""


def editions(session: Session, list_name: str) -> list[EditionInfo]:
    """Every edition of a list, oldest first (load order, not label order)."""
    query = (
        select(ListEdition, FileImportRow.content_sha256)
        .join(FileImportRow, FileImportRow.id == ListEdition.file_id)
        .where(ListEdition.list_name == list_name)
        .order_by(ListEdition.id)
    )
    return [_info(row, sha256) for row, sha256 in session.execute(query).all()]


def resolve_edition(session: Session, list_name: str, edition: str | None = None) -> ListEdition:
    """The named edition, or the latest loaded; UnknownList when there is none."""
    if edition is not None:
        row = _edition_row(session, list_name, edition)
        if row is None:
            raise UnknownList(f"list {list_name!r} has no edition {edition!r}")
        return row
    query = (
        select(ListEdition)
        .where(ListEdition.list_name == list_name)
        .order_by(ListEdition.id.desc())
        .limit(1)
    )
    latest = session.execute(query).scalar_one_or_none()
    if latest is None:
        raise UnknownList(f"no list {list_name!r} has been loaded")
    return latest


def list_entries(session: Session, list_name: str, edition: str | None = None) -> list[ListEntry]:
    """Every entry of a list's edition (the latest by default), in load order.

    Raises `UnknownList` (not found) for a list or edition never loaded: screening
    against a misspelt list name must fail loudly, not report "no hits".
    """
    row = resolve_edition(session, list_name, edition)
    query = (
        select(*ENTRY_COLUMNS)
        .where(ListEntryRow.edition_id == row.id)
        .order_by(ListEntryRow.id)
        .execution_options(yield_per=ENTRY_BATCH)
    )
    return [_entry(row, e) for e in session.execute(query)]


def entry_listing(
    session: Session, list_name: str, edition: str | None = None
) -> Listing[ListEntry]:
    """The entries of a list's edition (the latest by default) for the workbench's table:
    paged, searched by name and alias, filtered by schema and country in SQL."""
    row = resolve_edition(session, list_name, edition)
    fields = {
        "entry": ListingField(ListEntryRow.entry_id, searched=True),
        "name": ListingField(ListEntryRow.name, searched=True),
        "aliases": ListingField(ListEntryRow.aliases, sortable=False, searched=True),
        "schema": ListingField(ListEntryRow.schema, match="equals"),
        "countries": ListingField(ListEntryRow.countries, match="contains"),
    }
    statement = select(ListEntryRow).where(ListEntryRow.edition_id == row.id)
    return Listing(statement, fields, lambda found: _entry(row, found[0]), (ListEntryRow.id,))


def _entry(edition: ListEdition, row: ListEntryRow | Row[Any]) -> ListEntry:
    """An entry of the store as screening reads it, from its mapped row or from the columns
    `list_entries` reads in batches of plain rows (mapped objects for a whole edition at
    once took more memory than its entries: at 100,000 entries the read peaked 263 MB
    above where it started, 93 MB in plain rows, 85 MB with schemata and list values
    shared)."""
    lists = {name: _values(getattr(row, name)) for name in LIST_FIELDS}
    extra = json.loads(row.extra)
    extra["entity_id"] = row.entity_id
    return ListEntry(
        list_name=edition.list_name,
        edition=edition.edition,
        entry_id=row.entry_id,
        schema=sys.intern(row.schema),
        name=row.name,
        includes_subsidiaries=row.includes_subsidiaries,
        notes=row.notes,
        extra=extra,
        **lists,
    )


@lru_cache(maxsize=SHARED_VALUES)
def _values(text: str) -> tuple[str, ...]:
    """A list column's values, one tuple for every entry that holds the same (countries
    repeat: 'cn' on 60% of the screening benchmark's list), so an edition read whole keeps
    a repeated value once; a tuple cannot be changed, so sharing it is safe."""
    return tuple(json.loads(text))


def goods_rules(session: Session, list_name: str, edition: str | None = None) -> list[GoodsRule]:
    """The goods x place rules of a list's edition (the latest by default)."""
    row = resolve_edition(session, list_name, edition)
    query = select(GoodsPlaceRule).where(GoodsPlaceRule.edition_id == row.id)
    return [_rule(r) for r in session.execute(query.order_by(GoodsPlaceRule.id)).scalars()]


def _rule(row: GoodsPlaceRule) -> GoodsRule:
    return GoodsRule(
        rule_id=row.rule_id,
        goods=row.goods,
        country=row.country,
        place=row.place,
        hts_headings=tuple(h for h in row.hts_headings.split(";") if h),
        labour=tuple(x for x in row.labour.split(";") if x),
        basis=row.basis,
    )


def list_summaries(session: Session) -> list[ListSummary]:
    """Every loaded list with its latest edition."""
    counts = dict(
        session.execute(
            select(ListEdition.list_name, func.count()).group_by(ListEdition.list_name)
        ).all()
    )
    summaries = []
    for name in sorted(counts):
        latest = resolve_edition(session, name)
        info = _info(latest, edition_sha256(session, latest))
        summaries.append(ListSummary(name, latest.kind, info, int(counts[name])))
    return summaries


def diff_editions(
    session: Session, list_name: str, old: str | None = None, new: str | None = None
) -> EditionDiff:
    """Entries added, removed and changed from `old` to `new` (default: the last two editions).

    A list with fewer than two editions has nothing to compare: the diff is empty.
    """
    labels = [e.edition for e in editions(session, list_name)]
    if old is None and new is None and len(labels) < 2:
        return EditionDiff(list_name, None, labels[-1] if labels else None)
    for label in (old, new):
        if label is not None and label not in labels:
            raise UnknownList(f"list {list_name!r} has no edition {label!r}")
    new = new or labels[-1]
    old = old or _before(labels, new)
    before = {e.entry_id: e for e in list_entries(session, list_name, old)}
    after = {e.entry_id: e for e in list_entries(session, list_name, new)}
    return EditionDiff(
        list_name,
        old,
        new,
        added=[after[i] for i in after if i not in before],
        removed=[before[i] for i in before if i not in after],
        changed=[c for i in after if i in before for c in _change(before[i], after[i])],
    )


def _before(labels: list[str], new: str) -> str:
    index = labels.index(new)
    if index == 0:
        raise UnknownList(f"edition {new!r} is the first: name the edition to compare with")
    return labels[index - 1]


def _change(old: ListEntry, new: ListEntry) -> list[EntryChange]:
    before, after = entry_fields(replace(old, extra={})), entry_fields(replace(new, extra={}))
    before["extra"], after["extra"] = _own_extra(old), _own_extra(new)
    changed = {k: (before[k], after[k]) for k in COMPARED_FIELDS if before[k] != after[k]}
    return [EntryChange(new.entry_id, new.name, changed)] if changed else []


def _own_extra(entry: ListEntry) -> dict[str, str]:
    """The list's own extra fields, without the store's bookkeeping (entity id)."""
    return {k: v for k, v in entry.extra.items() if k != "entity_id"}


def load_watchlist(
    session: Session,
    data: bytes | Path,
    file_name: str,
    list_name: str,
    actor: str,
    edition: str | None = None,
) -> LoadOutcome:
    """Load a watchlist file (FtM JSON lines or CSV) as an edition of `list_name`: its
    bytes, or its path (read from disk pass by pass, never held whole)."""
    check_list_name(list_name)
    if isinstance(data, Path):
        prepared = prepare_watchlist_file(data, file_name, list_name)
    else:
        prepared = prepare_watchlist(data, file_name, list_name)
    return save_edition(session, list_name, prepared, actor, edition)
