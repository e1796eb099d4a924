"""Upgrading a store from before the one file table keeps each list edition's file: the
edition points at it, its hash is still reported, and the same bytes loaded into the same
list again are still a no-op (while another list may load them)."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from ctip.lists.store import editions, load_watchlist
from ctip.lists.tables import ListEdition
from ctip.store.tables import FileImportRow
from tests.lists.test_store import FIRST
from tests.support.migrations import OLD_TIME, database_before_file_imports, insert, old_ftm_import


def test_edition_files_move_into_the_file_table_and_stay_idempotent(database_url: str) -> None:
    database = database_before_file_imports(database_url)
    old_ftm_import(database, 1, "registry", "f" * 64)  # takes id 1 in the new table
    sha = hashlib.sha256(FIRST).hexdigest()
    insert(
        database,
        "list_editions",
        list_name="team",
        edition="v1",
        kind="watchlist",
        file_name="team.csv",
        content_sha256=sha,
        entry_count=2,
        rule_count=0,
        loaded_at=OLD_TIME,
        loaded_by="old-loader",
    )
    database.upgrade()
    with database.session() as session:
        edition = session.execute(select(ListEdition)).scalar_one()
        record = session.get(FileImportRow, edition.file_id)
        again = load_watchlist(session, FIRST, "team-copy.csv", "team", "tester", "v2")
        elsewhere = load_watchlist(session, FIRST, "team.csv", "other-team", "tester", "v1")
        history = editions(session, "team")
    assert record is not None and (record.kind, record.scope) == ("list-edition", "team")
    assert record.content_sha256 == sha and record.imported_by == "old-loader"
    assert json.loads(record.counts) == {"entries": 2, "rules": 0}
    assert again.already_loaded and again.edition == "v1"
    assert not elsewhere.already_loaded
    assert [(e.edition, e.content_sha256) for e in history] == [("v1", sha)]
    database.dispose()
