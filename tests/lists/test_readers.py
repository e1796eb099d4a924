"""Reading watchlist files: formats, validation, the FtM form of entries."""

from __future__ import annotations

import pytest

from ctip.ingest.errors import FileRejected
from ctip.lists.readers import ftm_entity, prepare_watchlist, read_entries_csv


def test_missing_columns_reject_the_file() -> None:
    with pytest.raises(FileRejected) as rejected:
        read_entries_csv(b"identifier,title\n1,x\n", "x.csv")
    assert "id, name" in rejected.value.errors[0].reason


def test_non_utf8_and_nul_are_rejected_not_crashed() -> None:
    with pytest.raises(FileRejected):
        prepare_watchlist(b"id,name\n1,\xff\xfe\n", "x.csv", "team")
    with pytest.raises(FileRejected):
        prepare_watchlist(b"id,name\n1,a\x00b\n", "x.csv", "team")


def test_a_row_with_too_many_values_is_named() -> None:
    with pytest.raises(FileRejected) as rejected:
        read_entries_csv(b"id,name\n1,Alpha Co,extra\n2,Beta Co\n", "x.csv")
    assert [e.row for e in rejected.value.errors] == [2]


def test_defaults_and_ftm_form() -> None:
    (entry,) = read_entries_csv(
        b"id,name,aliases,country\nX1,Sea Star,Sea-Star; SeaStar,Panama\n", "x.csv"
    )
    assert entry.schema == "LegalEntity" and entry.countries == ("pa",)
    entity = ftm_entity("team", entry)
    assert entity["id"] == "team-X1"
    assert entity["properties"]["alias"] == ["Sea-Star", "SeaStar"]


def test_vessel_has_no_birth_date() -> None:
    with pytest.raises(FileRejected) as rejected:
        read_entries_csv(b"id,name,schema,birth_date\nV1,Da Wang,Vessel,1990\n", "x.csv")
    assert "Person" in rejected.value.errors[0].reason
