"""Watchlist editions in the store, on SQLite and PostgreSQL: load, read, compare."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.lists.readers import ftm_lines, prepare_watchlist_file, read_entries_csv
from ctip.lists.store import (
    UnknownList,
    diff_editions,
    editions,
    list_entries,
    list_summaries,
    load_watchlist,
    save_edition,
)
from ctip.model.errors import InvalidInput
from ctip.store.db import Database
from ctip.store.entities import get_entity, search_by_name
from ctip.store.tables import AuditEvent, FileImportRow, StatementRow

HEADER = "id,name,aliases,schema,country,birth_date,address\n"
FIRST = (
    HEADER
    + "A1,Acme Textiles Co. Ltd.,Acme Textile;ACME,Company,China,,Urumqi\n"
    + "P1,Ivan Petrov,Иван Петров,Person,ru,1970,\n"
).encode()
SECOND = (
    HEADER
    + "A1,Acme Textiles Co. Ltd.,Acme Textile,Company,China,,Urumqi\n"
    + "N1,New Listed Trading,,,,,\n"
).encode()


def audit_rows(database: Database) -> int:
    with database.session() as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def test_load_read_and_reload_is_a_no_op(database: Database) -> None:
    with database.session() as session:
        first = load_watchlist(session, FIRST, "team.csv", "team", "tester", "v1")
    before = audit_rows(database)
    with database.session() as session:
        again = load_watchlist(session, FIRST, "team-copy.csv", "team", "tester", "v9")
        entries = list_entries(session, "team")
    assert (first.entries, first.already_loaded) == (2, False)
    assert again.already_loaded and again.edition == "v1"
    assert audit_rows(database) == before
    acme, petrov = entries
    assert (acme.name, acme.aliases, acme.countries, acme.schema) == (
        "Acme Textiles Co. Ltd.",
        ("Acme Textile", "ACME"),
        ("cn",),
        "Company",
    )
    assert (petrov.birth_dates, petrov.aliases, petrov.edition) == (
        ("1970",),
        ("Иван Петров",),
        "v1",
    )


def test_entries_land_in_the_entity_store_with_provenance(database: Database) -> None:
    with database.session() as session:
        load_watchlist(session, FIRST, "team.csv", "team", "tester", "v1")
        found = search_by_name(session, "ivan petrov", 5)
        record = get_entity(session, found[0].id)
    assert found[0].sources == ("list-team",)
    assert record is not None
    assert {p.source for p in record.provenance} == {"list-team"}
    assert "1970" in record.proxy.get("birthDate")


def test_new_edition_keeps_the_old_and_diffs(database: Database) -> None:
    with database.session() as session:
        load_watchlist(session, FIRST, "team.csv", "team", "tester", "2024-01")
        load_watchlist(session, SECOND, "team.csv", "team", "tester", "2024-02")
        diff = diff_editions(session, "team", "2024-01", "2024-02")
        default = diff_editions(session, "team")
        old = list_entries(session, "team", "2024-01")
        summaries = list_summaries(session)
    assert [e.entry_id for e in diff.added] == ["N1"]
    assert [e.entry_id for e in diff.removed] == ["P1"]
    (change,) = diff.changed
    assert change.entry_id == "A1" and set(change.fields) == {"aliases"}
    assert (default.old, default.new) == ("2024-01", "2024-02")
    assert len(old) == 2
    (summary,) = summaries
    assert (summary.editions, summary.latest.edition) == (2, "2024-02")


def test_a_bad_file_names_every_bad_row_and_loads_nothing(database: Database) -> None:
    bad = (
        HEADER
        + "A1,Fine Co,,Company,cn,,\n"
        + "A2,,,Company,cn,,\n"
        + "A3,Wrong Schema,,Ownership,cn,,\n"
        + "A4,Nowhere Co,,Company,Atlantis,,\n"
        + "A5,Bad Date,,Person,cn,1970-13-45,\n"
        + "A1,Again,,Company,,,\n"
    ).encode()
    with pytest.raises(FileRejected) as rejected, database.session() as session:
        load_watchlist(session, bad, "bad.csv", "team", "tester")
    rows = {e.row: e.reason for e in rejected.value.errors}
    # an unknown schema, country or date is a value warning; only rows that are no rows reject
    assert set(rows) == {3, 7}
    assert "name is empty" in rows[3] and "also on line 2" in rows[7]
    with database.session() as session:
        assert editions(session, "team") == []
        assert search_by_name(session, "fine co", 5) == []


def test_same_edition_label_with_other_content_is_refused(database: Database) -> None:
    with database.session() as session:
        load_watchlist(session, FIRST, "a.csv", "team", "tester", "v1")
    with pytest.raises(ValueError, match="already has an edition"), database.session() as session:
        load_watchlist(session, SECOND, "b.csv", "team", "tester", "v1")


def test_unknown_list_or_edition_fails_loudly(database: Database) -> None:
    with database.session() as session:
        with pytest.raises(UnknownList):
            list_entries(session, "never-loaded")
        load_watchlist(session, FIRST, "a.csv", "team", "tester", "v1")
        with pytest.raises(UnknownList):
            list_entries(session, "team", "v2")


def test_ftm_lines_keep_their_ids_and_properties(database: Database) -> None:
    lines = [
        {
            "id": "os-1",
            "schema": "Person",
            "properties": {
                "name": ["Olena Petrova"],
                "alias": ["O. Petrova"],
                "nationality": ["ua"],
                "birthDate": ["1981-03"],
            },
        },
        {
            "id": "os-2",
            "schema": "Company",
            "properties": {"name": ["Blue Harbour Ltd"], "registrationNumber": ["12345678"]},
        },
        {"id": "os-3", "schema": "Ownership", "properties": {"owner": ["os-1"], "asset": ["os-2"]}},
    ]
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    with database.session() as session:
        outcome = load_watchlist(session, data, "sanctions.ijson", "sanctions", "tester", "2024")
        entries = {e.entry_id: e for e in list_entries(session, "sanctions")}
        ownership = get_entity(session, "os-3")
    assert outcome.entries == 2 and set(entries) == {"os-1", "os-2"}
    assert entries["os-1"].countries == ("ua",) and entries["os-1"].birth_dates == ("1981-03",)
    assert entries["os-2"].identifiers == ("12345678",)
    assert ownership is not None  # links go to the entity store too


def test_diff_names_a_missing_edition_and_the_first_has_no_predecessor(
    sqlite_database: Database,
) -> None:
    with sqlite_database.session() as session:
        assert diff_editions(session, "never").old is None
        with pytest.raises(UnknownList):
            diff_editions(session, "never", old="v1")
        load_watchlist(session, FIRST, "a.csv", "team", "tester", "v1")
        assert (diff_editions(session, "team").old, diff_editions(session, "team").new) == (
            None,
            "v1",
        )
        with pytest.raises(UnknownList, match="first"):
            diff_editions(session, "team", new="v1")


def _statements(database: Database, source: str) -> list[tuple[str, str, str]]:
    with database.session() as session:
        query = select(StatementRow.entity_id, StatementRow.prop, StatementRow.value).where(
            StatementRow.source == source
        )
        return sorted((r.entity_id, r.prop, r.value) for r in session.execute(query))


def test_a_file_loaded_from_disk_stores_what_its_bytes_store(
    database: Database, tmp_path: Path
) -> None:
    """The entries of the same bytes, and the statements an import of the entries' FtM lines
    read whole writes; a reload of the file is a no-op."""
    path = tmp_path / "team.csv"
    path.write_bytes(FIRST)
    with database.session() as session:
        from_disk = load_watchlist(session, path, "team.csv", "disk", "tester", "v1")
        load_watchlist(session, FIRST, "team.csv", "held", "tester", "v1")
        again = load_watchlist(session, path, "team.csv", "disk", "tester", "v2")
        disk, held = list_entries(session, "disk"), list_entries(session, "held")
        whole = ftm_lines("disk", read_entries_csv(FIRST, "team.csv")[0])
        import_ftm_bytes(session, whole, "team.ijson", "whole-disk", "tester")
    assert from_disk.entries == 2 and again.already_loaded and again.edition == "v1"
    assert [(e.entry_id, e.aliases, e.countries) for e in disk] == [
        (e.entry_id, e.aliases, e.countries) for e in held
    ]
    assert [e.extra["entity_id"] for e in disk] == ["disk-A1", "disk-P1"]
    written = _statements(database, "list-disk")
    assert len(written) > 4 and written == _statements(database, "whole-disk")


def test_a_file_changed_while_it_is_loaded_leaves_nothing(
    database: Database, tmp_path: Path
) -> None:
    """Validated and hashed, then edited before it was stored: the edition, its entries and
    its parties' statements are all refused (one transaction)."""
    path = tmp_path / "team.csv"
    path.write_bytes(FIRST)
    prepared = prepare_watchlist_file(path, "team.csv", "team")
    path.write_bytes(FIRST.replace(b"Ivan Petrov", b"Ivan Petrof"))
    changed = pytest.raises(InvalidInput, match="changed while it was loaded")
    with changed, database.session() as session:
        save_edition(session, "team", prepared, "tester", "v1")
    with database.session() as session:
        assert editions(session, "team") == []
        assert session.execute(select(func.count()).select_from(FileImportRow)).scalar_one() == 0
    assert _statements(database, "list-team") == []


def test_ftm_lines_from_disk_write_every_party_once(database: Database, tmp_path: Path) -> None:
    """An id on two lines is one entry (its last named line) and one entity in the store."""
    lines = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ann Lee"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Blue Harbour Ltd"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ann B. Lee"], "country": ["us"]}},
    ]
    path = tmp_path / "s.ijson"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with database.session() as session:
        outcome = load_watchlist(session, path, "s.ijson", "sanctions", "tester", "2024")
        entries = list_entries(session, "sanctions")
    assert outcome.entries == 2
    assert [(e.entry_id, e.name, e.countries) for e in entries] == [
        ("c1", "Blue Harbour Ltd", ()),
        ("p1", "Ann B. Lee", ("us",)),
    ]
    written = _statements(database, "list-sanctions")
    assert {value for entity, prop, value in written if prop == "name" and entity == "p1"} == {
        "Ann Lee",
        "Ann B. Lee",
    }
    assert len({entity for entity, _, _ in written}) == 3
