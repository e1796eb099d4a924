"""The plain-name screening service: validated query files and the hits report."""

from __future__ import annotations

import csv
import io

import pytest

from ctip.ingest.errors import FileRejected
from ctip.matching.screening import OUTPUT_COLUMNS, read_queries, screen_names, write_hits
from ctip.matching.types import ListEntry

ENTRIES = [
    ListEntry("team", "v1", "E1", "Person", "Ivan Petrov", birth_dates=("1970-03-12",)),
    ListEntry(
        "team", "v1", "E2", "Company", "Hoshine Silicon Industry Co., Ltd.", countries=("cn",)
    ),
]


def test_queries_are_read_with_every_field() -> None:
    data = (
        b"id,name,schema,country,birth_date,address\n"
        b"q1,Ivan Petrov,Person,Russia,1970-03-12,Moscow\n"
        b"q2,Hoshine Silicon,,CN;HK,,\n"
    )
    first, second = read_queries(data, "q.csv")
    assert first.countries == ("ru",) and first.birth_dates == ("1970-03-12",)
    assert second.schema == "LegalEntity" and second.countries == ("cn", "hk")


def test_every_bad_row_is_reported_with_its_line_and_reason() -> None:
    data = (
        b"id,name,schema,country,birth_date\n"
        b"q1,,Person,,\n"
        b"q2,Ivan,Alien,,\n"
        b"q3,Ivan,Person,Atlantis,12/03/1970\n"
        b"q4,Ivan,Person,,\n"
        b"q4,Ivan,Person,,\n"
    )
    with pytest.raises(FileRejected) as caught:
        read_queries(data, "q.csv")
    rows = {e.row: e.reason for e in caught.value.errors}
    assert set(rows) == {2, 3, 4, 6}
    assert "name is empty" in rows[2]
    assert "schema 'Alien'" in rows[3]
    assert "Atlantis" in rows[4] and "12/03/1970" in rows[4]
    assert "repeats" in rows[6]


def test_missing_columns_reject_the_file() -> None:
    with pytest.raises(FileRejected, match="missing column"):
        read_queries(b"name\nIvan\n", "q.csv")


def test_hits_report_matches_and_near_misses_with_explanations() -> None:
    data = "id,name,schema,birth_date\nq1,Ivan Petrov,Person,1970\nq2,Nobody Known,Person,\n"
    hits = screen_names(read_queries(data.encode(), "q.csv"), ENTRIES, 0.7)
    assert [(h.query_id, h.entity_id, h.is_match) for h in hits] == [("q1", "E1", True)]
    rows = list(csv.DictReader(io.StringIO(write_hits(hits))))
    assert tuple(rows[0]) == OUTPUT_COLUMNS
    assert rows[0]["match"] == "true" and "Birth year 1970 agrees" in rows[0]["explanation"]
    assert 0.0 <= float(rows[0]["score"]) <= 1.0


def test_threshold_outside_zero_one_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        screen_names([], ENTRIES, 1.5)


def test_hits_report_writes_no_cell_a_spreadsheet_would_run() -> None:
    data = 'id,name,schema,birth_date\n"=HYPERLINK(""http://x.example"")",Ivan Petrov,Person,1970\n'
    hits = screen_names(read_queries(data.encode(), "q.csv"), ENTRIES, 0.7)
    rows = list(csv.DictReader(io.StringIO(write_hits(hits))))
    assert rows[0]["query_id"] == '\'=HYPERLINK("http://x.example")'
    assert rows[0]["entity_id"] == "E1"
