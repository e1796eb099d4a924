"""Watchlist editions in the store, on SQLite and PostgreSQL: load, read, compare."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected
from ctip.lists.store import (
    UnknownList,
    diff_editions,
    editions,
    list_entries,
    list_summaries,
    load_watchlist,
)
from ctip.store.db import Database
from ctip.store.entities import get_entity, search_by_name
from ctip.store.tables import AuditEvent

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
