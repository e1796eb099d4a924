"""Importing an FtM JSON-lines file: validated whole, written all or nothing, idempotent.

The statements are credited to a source (an FtM dataset name), and the source is the file's
scope: the same bytes from another source are another import, crediting other statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from sqlalchemy.orm import Session

from ctip.ingest.files import (
    Counts,
    FileImport,
    FileWrite,
    IncomingFile,
    import_file,
    sha256_of,
)
from ctip.ingest.ftm import ParsedFile, parse_ftm_lines
from ctip.model.errors import InvalidInput
from ctip.store.bulk import batched, bulk_write_cache, refresh_statistics
from ctip.store.db import utc_now
from ctip.store.statements import (
    INDEXED_TABLES,
    Progress,
    StatedEntity,
    WriteCounts,
    statement_rows,
    write_statements,
)

SOURCE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
FILE_KIND = "entities"
ENTITY_BATCH = 1000
"""Entities whose statements are written together when a stream of them is imported."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did; `already_imported` means the same file from the same source."""

    source: str
    file_name: str
    content_sha256: str
    entities: int
    statements_new: int
    statements_seen_again: int
    already_imported: bool
    import_id: int | None


def check_source_name(source: str) -> str:
    """A source name is a short lower-case slug, as FtM dataset names are."""
    if not SOURCE_PATTERN.match(source):
        raise InvalidInput(
            f"source {source!r}: 1-100 characters, lower-case letters, digits, '_', '.' or '-'"
        )
    return source


def import_ftm_bytes(
    session: Session,
    data: bytes,
    file_name: str,
    source: str,
    actor: str,
    progress: Progress | None = None,
) -> ImportOutcome:
    """Validate every line, then write the whole file in the caller's transaction."""
    incoming = _incoming(file_name, sha256_of(data), source, actor)
    validate = partial(parse_ftm_lines, data, file_name)
    outcome = import_file(session, incoming, validate, partial(_write, source), progress)
    return _import_outcome(outcome, file_name)


def import_ftm_entities(
    session: Session,
    entities: Callable[[], Iterable[StatedEntity]],
    counted: tuple[str, int],
    file_name: str,
    source: str,
    actor: str,
    progress: Progress | None = None,
) -> ImportOutcome:
    """`import_ftm_bytes` for entities a caller has validated and counted already, read from
    its file again as they are written (a list of a million parties is never held whole).

    `counted` is (SHA-256 of the FtM lines, distinct entity ids): the lines' hash makes a
    re-run a no-op as for a file. A statement repeated within a batch of ENTITY_BATCH
    entities is written once; one repeated from an earlier batch is found in the table and
    counted as seen again (the set of every statement id is what a stream cannot hold)."""
    incoming = _incoming(file_name, counted[0], source, actor)
    write = partial(_write_stream, source, counted[1])
    outcome = import_file(session, incoming, lambda: entities, write, progress)
    return _import_outcome(outcome, file_name)


def _incoming(file_name: str, sha256: str, source: str, actor: str) -> IncomingFile:
    """An FtM import as the file log and the audit row name it: scoped by its source."""
    scope = check_source_name(source)
    return IncomingFile(
        FILE_KIND, scope, file_name, sha256, actor, "entities.import", f"source:{source}"
    )


def _counts(entities: int, written: WriteCounts) -> Counts:
    """What an FtM import reports of its write."""
    return {
        "entities": entities,
        "statements": written.new + written.seen_again,
        "statements_new": written.new,
        "statements_seen_again": written.seen_again,
    }


def _write_stream(
    source: str,
    entity_count: int,
    target: FileWrite,
    entities: Callable[[], Iterable[StatedEntity]],
) -> Counts:
    """The stream's statements, batch by batch, in one bulk write; statistics once at the end."""
    total, seen_at = WriteCounts(), utc_now()
    with bulk_write_cache(target.session):
        for batch in batched(entities(), ENTITY_BATCH):
            rows = statement_rows(batch, source, seen_at, target.file_id)
            total += write_statements(target.session, rows, target.progress)
    refresh_statistics(target.session, INDEXED_TABLES, total.new)
    return _counts(entity_count, total)


def _write(source: str, target: FileWrite, parsed: ParsedFile) -> Counts:
    """The file's statements, credited to the source and to this import."""
    rows = statement_rows(parsed.entities, source, utc_now(), target.file_id)
    written = write_statements(target.session, rows, target.progress)
    return _counts(len({e.entity_id for e in parsed.entities}), written)


def _import_outcome(outcome: FileImport, file_name: str) -> ImportOutcome:
    """The import as entity importers report it; a re-run found every statement again."""
    if outcome.already_imported:
        new, seen_again = 0, outcome.count("statements")
    else:
        new, seen_again = outcome.count("statements_new"), outcome.count("statements_seen_again")
    return ImportOutcome(
        outcome.scope,
        file_name,
        outcome.content_sha256,
        outcome.count("entities"),
        new,
        seen_again,
        outcome.already_imported,
        outcome.id,
    )
