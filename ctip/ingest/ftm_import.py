"""Importing an FtM JSON-lines file: validated whole, written all or nothing, idempotent."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.ingest.ftm import ParsedFile, parse_ftm_lines
from ctip.store.db import utc_now
from ctip.store.statements import Progress, statement_rows, write_statements
from ctip.store.tables import ImportRecord

SOURCE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


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
        raise ValueError(
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
    check_source_name(source)
    parsed = parse_ftm_lines(data, file_name)
    previous = _previous_import(session, source, parsed.sha256)
    if previous is not None:
        return ImportOutcome(
            source,
            file_name,
            parsed.sha256,
            previous.entity_count,
            0,
            previous.statement_count,
            True,
            previous.id,
        )
    return _write(session, parsed, source, actor, progress)


def _previous_import(session: Session, source: str, sha256: str) -> ImportRecord | None:
    query = select(ImportRecord).where(
        ImportRecord.source == source, ImportRecord.content_sha256 == sha256
    )
    return session.execute(query).scalar_one_or_none()


def _write(
    session: Session, parsed: ParsedFile, source: str, actor: str, progress: Progress | None
) -> ImportOutcome:
    now = utc_now()
    record = ImportRecord(
        source=source,
        file_name=parsed.file_name[:500],
        content_sha256=parsed.sha256,
        entity_count=len({e.entity_id for e in parsed.entities}),
        statement_count=0,
        imported_at=now,
        imported_by=actor,
    )
    session.add(record)
    session.flush()
    counts = write_statements(
        session, statement_rows(parsed.entities, source, now, record.id), progress
    )
    record.statement_count = counts.new + counts.seen_again
    audit.record(
        session,
        actor,
        "entities.import",
        f"source:{source}",
        {
            "file": parsed.file_name,
            "sha256": parsed.sha256,
            "entities": record.entity_count,
            "statements_new": counts.new,
            "statements_seen_again": counts.seen_again,
        },
    )
    return ImportOutcome(
        source,
        parsed.file_name,
        parsed.sha256,
        record.entity_count,
        counts.new,
        counts.seen_again,
        False,
        record.id,
    )
