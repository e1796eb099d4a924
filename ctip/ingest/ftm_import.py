"""Importing an FtM JSON-lines file: validated whole, written all or nothing, idempotent.

The statements are credited to a source (an FtM dataset name), and the source is the file's
scope: the same bytes from another source are another import, crediting other statements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

from sqlalchemy.orm import Session

from ctip.ingest.files import Counts, FileImport, FileWrite, IncomingFile, import_file
from ctip.ingest.ftm import ParsedFile, parse_ftm_lines
from ctip.model.errors import InvalidInput
from ctip.store.db import utc_now
from ctip.store.statements import Progress, statement_rows, write_statements

SOURCE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")
FILE_KIND = "entities"


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
    incoming = IncomingFile.of(
        data,
        file_name,
        kind=FILE_KIND,
        scope=check_source_name(source),
        actor=actor,
        action="entities.import",
        resource=f"source:{source}",
    )
    validate = partial(parse_ftm_lines, data, file_name)
    outcome = import_file(session, incoming, validate, partial(_write, source), progress)
    return _import_outcome(outcome, file_name)


def _write(source: str, target: FileWrite, parsed: ParsedFile) -> Counts:
    """The file's statements, credited to the source and to this import."""
    rows = statement_rows(parsed.entities, source, utc_now(), target.file_id)
    counts = write_statements(target.session, rows, target.progress)
    return {
        "entities": len({e.entity_id for e in parsed.entities}),
        "statements": counts.new + counts.seen_again,
        "statements_new": counts.new,
        "statements_seen_again": counts.seen_again,
    }


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
