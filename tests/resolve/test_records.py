"""Reading records: every row validated, each bad row named with its number and reason."""

from __future__ import annotations

import pytest

from ctip.config import get_settings
from ctip.ingest.errors import FileRejected
from ctip.resolve.records import birth_date_iso, read_csv_report, read_csv_text, record_from_row


def test_values_are_normalised_for_comparison() -> None:
    record = record_from_row(
        {
            "id": " 7 ",
            "name": "  Олена   Петрова ",
            "birth_date": "19800507",
            "phone": "+1 (713) 555-0199",
            "email": "Olena.P@Example.ORG",
            "id_number": "AB 123-456",
        },
        "intake",
    )
    assert record.id == "7"
    assert record.name == "olena petrova"
    assert (record.first_name, record.surname) == ("olena", "petrova")
    assert record.birth_date == "1980-05-07"
    assert record.phone == "+17135550199"
    assert record.email == "olena.p@example.org"
    assert record.id_number == "AB123456"
    assert record.source == "intake"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1980", "1980"),
        ("1980-05", "1980-05"),
        ("1980-05-07", "1980-05-07"),
        ("1980-5-7", "1980-05-07"),
        ("07.05.1980", "1980-05-07"),
        ("May 1980", "1980-05"),
    ],
)
def test_partial_birth_dates_are_kept(text: str, expected: str) -> None:
    assert birth_date_iso(text) == expected


@pytest.mark.parametrize("text", ["07/05/1980", "1980-13-01", "1980-05-32", "soon"])
def test_unreadable_birth_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="birth_date"):
        birth_date_iso(text)


def test_a_misspelt_email_is_kept_as_evidence() -> None:
    record = record_from_row({"id": "1", "email": "Ann@ExampleCom"}, "s")
    assert record.email == "ann@examplecom"


def test_only_rows_that_are_no_records_reject_the_file() -> None:
    text = (
        "id,first_name,last_name,birth_date,phone\n"
        "1,Ana,Lima,1990-01-02,+5511987654321\n"
        ",Bea,Souza,,\n"
        "3,Caio,Reis,02/03/1990,\n"
        "1,Ana,Lima,,\n"
        "5,Eva,Luz,,,\n"
    )
    with pytest.raises(FileRejected) as caught:
        read_csv_text(text, "people.csv")
    rows = {e.row: e.reason for e in caught.value.errors}
    assert rows == {
        3: "id is empty",
        5: "id '1' also on line 2",
        6: "6 fields, expected 5 (an unquoted comma in a value?)",
    }


def test_unreadable_values_are_left_out_and_warned_not_refused() -> None:
    """The issue's file: US businesses with phones written 310/246-1501, two of them broken."""
    text = (
        "id,name,address,city,phone,source\n"
        "a1,Arnie Morton's of Chicago,435 S. La Cienega Blv.,Los Angeles,310/246-1501,fodors\n"
        "a2,Art's Delicatessen,12224 Ventura Blvd.,Studio City,310/788-,fodors\n"
        "b1,Arnie Morton's,435 La Cienega,Los Angeles,310-246-1501,zagat\n"
        "b2,Bel-Air Hotel,701 Stone Canyon Rd.,Bel Air,100-813-8212,zagat\n"
    )
    read = read_csv_report(text, "restaurants.csv", region="US")
    assert [r.phone for r in read.records] == ["+13102461501", None, "+13102461501", None]
    assert [(w.row, w.column, w.value) for w in read.warnings] == [
        (3, "phone", "310/788-"),
        (5, "phone", "100-813-8212"),
    ]
    with pytest.raises(FileRejected) as caught:
        read_csv_report(text, "restaurants.csv", region="US", strict=True)
    assert [e.row for e in caught.value.errors] == [3, 5]
    without_region = read_csv_report(text, "restaurants.csv")
    assert all(r.phone is None for r in without_region.records)
    assert "no country code" in without_region.warnings[0].reason


def test_a_phone_without_country_code_is_read_with_a_region() -> None:
    records = read_csv_text("id,name,phone\n1,Ana Lima,(713) 555-0199\n", "p.csv", region="US")
    assert records[0].phone == "+17135550199"


def test_the_default_region_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTIP_DEFAULT_REGION", "US")
    get_settings.cache_clear()
    try:
        records = read_csv_text("id,name,phone\n1,Ana Lima,(713) 555-0199\n", "p.csv")
    finally:
        monkeypatch.delenv("CTIP_DEFAULT_REGION")
        get_settings.cache_clear()
    assert records[0].phone == "+17135550199"


def test_a_missing_id_column_is_refused_and_unknown_columns_are_warned() -> None:
    with pytest.raises(FileRejected) as caught:
        read_csv_text("name,passport\nAna,X\n", "p.csv")
    assert "missing column(s): id" in caught.value.errors[0].reason
    read = read_csv_report("id,name,passport\n1,Ana,X\n", "p.csv")
    assert [(w.row, w.column) for w in read.warnings] == [(1, "passport")]


def test_a_row_with_more_cells_than_the_header_is_refused() -> None:
    with pytest.raises(FileRejected) as caught:
        read_csv_text("id,name\n1,Ana,extra\n", "p.csv")
    assert caught.value.errors[0].row == 2
    assert "3 fields, expected 2" in caught.value.errors[0].reason
