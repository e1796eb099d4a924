"""Only structure rejects a row: encoding, required columns, field count, empty or repeated id."""

from __future__ import annotations

import pytest

from ctip.ingest.errors import FileRejected
from ctip.ingest.tables import Columns, read_table, reject_rows

COLUMNS = Columns(("id", "name"), ("port", "country"), {"port": "port of entry"})


def test_optional_columns_may_be_absent_and_header_names_are_forgiving() -> None:
    table = read_table(b"\xef\xbb\xbfID, Name \n1,Ann\n\n2,Bob\n", "f.csv", COLUMNS)
    assert table.header == ("id", "name")
    assert [(r.line, r.get("id"), r.get("name"), r.get("port")) for r in table.rows] == [
        (2, "1", "Ann", ""),
        (4, "2", "Bob", ""),
    ]
    assert table.rejected == []


def test_a_row_with_an_unquoted_comma_is_rejected_with_the_field_count() -> None:
    table = read_table(b"id,name,port\n1,Ann,Long Beach\n2,Smith, Bob,LA\n", "f.csv", COLUMNS)
    assert [r.get("id") for r in table.rows] == ["1"]
    assert str(table.rejected[0]).startswith("line 3: 4 fields, expected 3")
    with pytest.raises(FileRejected):
        reject_rows("f.csv", table)


def test_empty_and_repeated_ids_are_rejected_with_their_lines() -> None:
    data = b'id,name\n1,Ann\n,Bob\n1,"Ann\nsecond line"\n3,\n'
    table = read_table(data, "f.csv", COLUMNS)
    assert [str(e) for e in table.rejected] == [
        "line 3: id is empty",
        "line 4: id '1' also on line 2",
        "line 6: name is empty",
    ]


def test_a_missing_required_column_names_what_the_file_takes() -> None:
    with pytest.raises(FileRejected, match="missing column"):
        read_table(b"id,port\n1,LA\n", "f.csv", COLUMNS)


def test_bad_encoding_rejects_the_file_with_its_line() -> None:
    with pytest.raises(FileRejected) as raised:
        read_table(b"id,name\n1,Ann\n2,Ren\xe9\n", "f.csv", COLUMNS)
    assert raised.value.errors[0].row == 3
    assert "UTF-8" in raised.value.errors[0].reason


def test_the_help_lists_required_and_optional_columns() -> None:
    assert COLUMNS.help_text() == "Columns: required id, name; optional port, country."
    assert ("port", "optional", "port of entry") in COLUMNS.describe()
