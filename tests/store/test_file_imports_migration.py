"""Upgrading a store from before the one file table keeps its FtM imports: same ids (the
statements still name theirs), same idempotence, and new imports get new ids."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.store.tables import FileImportRow, StatementRow
from tests.support.migrations import OLD_TIME, database_before_file_imports, insert, old_ftm_import

LINE = b'{"id": "p1", "schema": "Person", "properties": {"name": ["Ana Silva"]}}'
OTHER = b'{"id": "p2", "schema": "Person", "properties": {"name": ["Rui Costa"]}}'


def test_ftm_imports_move_into_the_file_table_and_stay_idempotent(database_url: str) -> None:
    database = database_before_file_imports(database_url)
    old_ftm_import(database, 7, "registry", hashlib.sha256(LINE).hexdigest())
    insert(
        database,
        "statements",
        id="s1",
        entity_id="p1",
        schema="Person",
        prop="id",
        prop_type="id",
        value="p1",
        source="registry",
        first_seen=OLD_TIME,
        last_seen=OLD_TIME,
        import_id=7,
    )
    database.upgrade()
    with database.session() as session:
        record = session.get(FileImportRow, 7)
        statement = session.execute(select(StatementRow)).scalar_one()
        again = import_ftm_bytes(session, LINE, "a.ijson", "registry", "tester")
        other = import_ftm_bytes(session, OTHER, "b.ijson", "registry", "tester")
    assert record is not None
    assert (record.kind, record.scope, record.imported_by) == ("entities", "registry", "old-loader")
    assert json.loads(record.counts) == {"entities": 1, "statements": 1}
    assert statement.import_id == record.id
    assert again.already_imported and again.import_id == 7
    assert not other.already_imported and other.import_id not in (None, 7)
    database.dispose()
