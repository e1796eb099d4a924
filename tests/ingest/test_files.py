"""The file-import primitive on SQLite and PostgreSQL: hash, once only, all or nothing,
reject report, audit row, progress."""

from __future__ import annotations

import hashlib
import json
from functools import partial
from typing import Any

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.files import Counts, FileImport, FileWrite, IncomingFile, import_file
from ctip.ingest.ftm import ParsedFile, parse_ftm_lines
from ctip.store.db import Database, utc_now
from ctip.store.statements import statement_rows, write_statements
from ctip.store.tables import AuditEvent, FileImportRow, StatementRow

PEOPLE = b"\n".join(
    json.dumps(
        {"id": f"p{n}", "schema": "Person", "properties": {"name": [f"Person {n}"]}}
    ).encode()
    for n in range(1, 8)
)


class Calls:
    """How often each step ran, and what progress was told."""

    def __init__(self) -> None:
        self.validated = 0
        self.written = 0
        self.progress: list[int] = []

    def validate(self, data: bytes) -> ParsedFile:
        self.validated += 1
        return parse_ftm_lines(data, "people.ijson")

    def write(self, target: FileWrite, parsed: ParsedFile) -> Counts:
        self.written += 1
        rows = statement_rows(parsed.entities, "people", utc_now(), target.file_id)
        counts = write_statements(target.session, rows, target.progress)
        target.notes["source"] = "people"
        return {"entities": len(parsed.entities), "statements_new": counts.new}


def incoming(data: bytes, scope: str = "people") -> IncomingFile:
    return IncomingFile.of(
        data, "people.ijson", kind="entities", scope=scope, actor="tester", action="test.load"
    )


def load(
    database: Database, calls: Calls, data: bytes = PEOPLE, scope: str = "people"
) -> FileImport:
    with database.session() as session:
        return import_file(
            session,
            incoming(data, scope),
            partial(calls.validate, data),
            calls.write,
            calls.progress.append,
        )


def count(database: Database, column: Any) -> int:
    with database.session() as session:
        return int(session.execute(select(func.count(column))).scalar_one())


def test_a_file_is_recorded_with_its_hash_counts_and_loader(database: Database) -> None:
    calls = Calls()
    outcome = load(database, calls)
    with database.session() as session:
        record = session.execute(select(FileImportRow)).scalar_one()
        stored = session.execute(select(func.count(StatementRow.id))).scalar_one()
    assert record.content_sha256 == hashlib.sha256(PEOPLE).hexdigest()
    assert (record.kind, record.scope, record.file_name, record.imported_by) == (
        "entities",
        "people",
        "people.ijson",
        "tester",
    )
    assert json.loads(record.counts) == {"entities": 7, "statements_new": stored}
    assert outcome.id == record.id and not outcome.already_imported


def test_the_same_file_again_returns_the_first_outcome_and_writes_nothing(
    database: Database,
) -> None:
    calls = Calls()
    first = load(database, calls)
    before = (count(database, StatementRow.id), count(database, AuditEvent.seq))
    again = load(database, calls)
    assert again.already_imported
    assert (again.id, again.counts) == (first.id, first.counts)
    assert (calls.validated, calls.written) == (1, 1)
    assert (count(database, StatementRow.id), count(database, AuditEvent.seq)) == before
    assert count(database, FileImportRow.id) == 1


def test_the_same_bytes_under_another_scope_are_another_import(database: Database) -> None:
    calls = Calls()
    first = load(database, calls, scope="people")
    other = load(database, calls, scope="registry")
    assert not other.already_imported
    assert other.id != first.id
    assert count(database, FileImportRow.id) == 2


def test_a_failure_in_the_write_step_leaves_the_store_as_before(database: Database) -> None:
    def crash_after_some_rows(target: FileWrite, parsed: ParsedFile) -> Counts:
        rows = statement_rows(parsed.entities, "people", utc_now(), target.file_id)
        write_statements(target.session, rows)
        target.session.flush()
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError), database.session() as session:
        import_file(
            session, incoming(PEOPLE), partial(parse_ftm_lines, PEOPLE, "p"), crash_after_some_rows
        )
    assert count(database, StatementRow.id) == 0
    assert count(database, FileImportRow.id) == 0
    assert count(database, AuditEvent.seq) == 0
    retried = load(database, Calls())
    assert not retried.already_imported


def test_a_rejected_file_reports_every_bad_row_and_writes_nothing(database: Database) -> None:
    lines = PEOPLE.splitlines()
    lines[1] = b'{"id": "x", "schema": "Nobody", "properties": {}}'
    lines[4] = b"not json"
    calls = Calls()
    with pytest.raises(FileRejected) as caught:
        load(database, calls, b"\n".join(lines))
    assert [e.row for e in caught.value.errors] == [2, 5]
    assert caught.value.details == [{"row": e.row, "reason": e.reason} for e in caught.value.errors]
    assert calls.written == 0
    assert count(database, FileImportRow.id) == 0
    assert count(database, AuditEvent.seq) == 0


def test_one_audit_row_names_the_file_its_counts_and_the_loaders_notes(
    database: Database,
) -> None:
    outcome = load(database, Calls())
    with database.session() as session:
        event = session.execute(select(AuditEvent)).scalar_one()
    detail = json.loads(event.detail)
    assert (event.actor, event.action) == ("tester", "test.load")
    assert event.resource == f"file-import:{outcome.id}"
    assert detail["sha256"] == hashlib.sha256(PEOPLE).hexdigest()
    assert detail["file_import"] == outcome.id
    assert detail["entities"] == 7 and detail["source"] == "people"


def test_progress_is_told_every_row_written(database: Database) -> None:
    calls = Calls()
    load(database, calls)
    assert calls.progress and sum(calls.progress) == count(database, StatementRow.id)


def test_a_write_step_that_reports_no_progress_needs_no_callback(database: Database) -> None:
    def quiet(target: FileWrite, rows: list[str]) -> Counts:
        target.progress(len(rows))
        return {"rows": len(rows)}

    with database.session() as session:
        outcome = import_file(session, incoming(b"a\nb"), lambda: ["a", "b"], quiet)
    assert outcome.count("rows") == 2 and outcome.count("missing") == 0


def test_a_validate_step_may_refuse_on_what_the_store_holds(database: Database) -> None:
    def refuse() -> ParsedFile:
        raise FileRejected("people.ijson", [RowError(3, "already stored with other values")])

    with pytest.raises(FileRejected), database.session() as session:
        import_file(session, incoming(PEOPLE), refuse, Calls().write)
    assert count(database, FileImportRow.id) == 0
