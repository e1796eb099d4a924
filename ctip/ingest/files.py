"""Loading a file once: the one primitive every loader (entities, entry lines, supplier
declarations, ads, list editions) stores its files through.

A loader says what the file is (kind, scope, name, bytes, who loads it), how to read it
(the validate step: every row, or `FileRejected` naming each bad row) and how to store what
it read (the write step). The primitive keeps the promises the loaders used to keep each on
their own:

- the same bytes under the same kind and scope are loaded once: a re-run returns the first
  outcome and writes nothing (the SHA-256 of the content, checked before reading);
- the whole file is validated before anything is written, so a bad row writes nothing;
- the write runs in the caller's transaction with the file's row and its audit row, so a
  failure half way leaves the store as it was once the caller rolls back;
- one row in the one file table (`file_imports`) says what was loaded, by whom, when, with
  the loader's own counts, and one audit row says the same in the chained log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.store.db import utc_now
from ctip.store.tables import FileImportRow

Progress = Callable[[int], None]
"""Told how many more rows (statements, ads...) were written, batch by batch."""

Counts = Mapping[str, int]
"""A loader's own counts: lines and new lines, statements new and seen again..."""

MAX_FILE_NAME = 500

Rows = TypeVar("Rows")
"""What a loader's validate step read from the file and its write step stores."""


def sha256_of(data: bytes) -> str:
    """The content hash that makes a file the same file whatever it is called."""
    return hashlib.sha256(data).hexdigest()


def _ignore_progress(_rows: int) -> None:
    """The progress of a load nobody watches."""


@dataclass(frozen=True)
class IncomingFile:
    """A file a loader is about to store, and how its audit row names the load.

    `scope` separates imports of the same bytes that mean different things (the FtM source the
    statements are credited to, the list a file is an edition of); "" when the kind needs none.
    `resource` is what the audit row names; by default the file import itself.
    """

    kind: str
    scope: str
    file_name: str
    content_sha256: str
    actor: str
    action: str
    resource: str | None = None

    @classmethod
    def of(
        cls,
        data: bytes,
        file_name: str,
        *,
        kind: str,
        actor: str,
        action: str,
        scope: str = "",
        resource: str | None = None,
    ) -> IncomingFile:
        """The incoming file of these bytes (their hash computed here)."""
        return cls(kind, scope, file_name, sha256_of(data), actor, action, resource)


@dataclass(frozen=True)
class FileImport:
    """What loading a file did, the same shape for every loader; `counts` are the loader's."""

    id: int
    kind: str
    scope: str
    file_name: str
    content_sha256: str
    counts: Mapping[str, int]
    imported_at: str
    imported_by: str
    already_imported: bool

    def count(self, name: str) -> int:
        """One of the loader's counts (0 when this import did not record it)."""
        return self.counts.get(name, 0)


@dataclass(frozen=True)
class FileWrite:
    """What the write step gets: the transaction, the file's id (rows point at it), the
    person loading it and a progress callback that is always safe to call.

    `notes` are facts beyond the counts that the audit row should carry (the label of a list
    edition, say); the write step adds them.
    """

    session: Session
    file_id: int
    actor: str
    progress: Progress = field(default=_ignore_progress)
    notes: dict[str, str] = field(default_factory=dict)


def import_file(
    session: Session,
    incoming: IncomingFile,
    validate: Callable[[], Rows],
    write: Callable[[FileWrite, Rows], Counts],
    progress: Progress | None = None,
) -> FileImport:
    """Store a file once: validate it whole, write it, record it and audit it.

    Returns the first outcome, `already_imported` set, when the same file (kind, scope,
    content hash) was stored before. `validate` raises `FileRejected` with every bad row;
    anything `write` raises leaves the caller's transaction to roll back.
    """
    earlier = previous_import(session, incoming.kind, incoming.scope, incoming.content_sha256)
    if earlier is not None:
        return _outcome(earlier, already_imported=True)
    rows = validate()
    record = _add_record(session, incoming)
    target = FileWrite(session, record.id, incoming.actor, progress or _ignore_progress)
    counts = dict(write(target, rows))
    record.counts = json.dumps(counts, sort_keys=True)
    session.flush()
    detail = {**target.notes, **_detail(record, counts)}
    audit.record(session, incoming.actor, incoming.action, _resource(incoming, record.id), detail)
    return _outcome(record, already_imported=False)


def previous_import(session: Session, kind: str, scope: str, sha256: str) -> FileImportRow | None:
    """The earlier import of these bytes under this kind and scope, if there was one."""
    query = select(FileImportRow).where(
        FileImportRow.kind == kind,
        FileImportRow.scope == scope,
        FileImportRow.content_sha256 == sha256,
    )
    return session.execute(query).scalar_one_or_none()


def _add_record(session: Session, incoming: IncomingFile) -> FileImportRow:
    """The file's row, flushed first so the rows the write step adds can point at its id."""
    record = FileImportRow(
        kind=incoming.kind,
        scope=incoming.scope,
        file_name=incoming.file_name[:MAX_FILE_NAME],
        content_sha256=incoming.content_sha256,
        counts="{}",
        imported_at=utc_now(),
        imported_by=incoming.actor[:100],
    )
    session.add(record)
    session.flush()
    return record


def _resource(incoming: IncomingFile, file_id: int) -> str:
    return incoming.resource or f"file-import:{file_id}"


def _detail(record: FileImportRow, counts: Counts) -> dict[str, Any]:
    """What the audit row says about the load: which file, under what, and the counts."""
    return {
        "file": record.file_name,
        "sha256": record.content_sha256,
        "kind": record.kind,
        "scope": record.scope,
        "file_import": record.id,
        **counts,
    }


def _outcome(record: FileImportRow, already_imported: bool) -> FileImport:
    return FileImport(
        id=record.id,
        kind=record.kind,
        scope=record.scope,
        file_name=record.file_name,
        content_sha256=record.content_sha256,
        counts=_counts(record.counts),
        imported_at=record.imported_at,
        imported_by=record.imported_by,
        already_imported=already_imported,
    )


def _counts(text: str) -> dict[str, int]:
    """The stored counts; anything that is not a whole number is not a count."""
    stored = json.loads(text or "{}")
    if not isinstance(stored, dict):
        return {}
    return {str(k): v for k, v in stored.items() if isinstance(v, int) and not isinstance(v, bool)}
