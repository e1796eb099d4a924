"""Reading records: every row validated, each bad row named with its number and reason."""

from __future__ import annotations

import pytest

from ctip.ingest.errors import FileRejected
from ctip.resolve.records import birth_date_iso, read_csv_text, record_from_row


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
    ("text", "expected"), [("1980", "1980"), ("1980-05", "1980-05"), ("1980-05-07", "1980-05-07")]
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


def test_a_file_with_bad_rows_is_rejected_whole_with_each_row_named() -> None:
    text = (
        "id,first_name,last_name,birth_date,phone\n"
        "1,Ana,Lima,1990-01-02,+5511987654321\n"
        ",Bea,Souza,,\n"
        "3,Caio,Reis,02/03/1990,\n"
        "4,Duda,Melo,,12\n"
        "1,Ana,Lima,,\n"
        "6,,,,\n"
    )
    with pytest.raises(FileRejected) as caught:
        read_csv_text(text, "people.csv")
    rows = {e.row: e.reason for e in caught.value.errors}
    assert set(rows) == {3, 4, 5, 6, 7}
    assert "id is empty" in rows[3]
    assert "birth_date" in rows[4]
    assert "phone" in rows[5]
    assert "more than once" in rows[6]
    assert "no name" in rows[7]


def test_a_phone_without_country_code_is_read_with_a_region() -> None:
    records = read_csv_text("id,name,phone\n1,Ana Lima,(713) 555-0199\n", "p.csv", region="US")
    assert records[0].phone == "+17135550199"


def test_unknown_columns_and_a_missing_id_column_are_refused() -> None:
    with pytest.raises(FileRejected) as caught:
        read_csv_text("name,passport\nAna,X\n", "p.csv")
    reasons = " ".join(e.reason for e in caught.value.errors)
    assert "no id column" in reasons
    assert "passport" in reasons


def test_a_row_with_more_cells_than_the_header_is_refused() -> None:
    with pytest.raises(FileRejected) as caught:
        read_csv_text("id,name\n1,Ana,extra\n", "p.csv")
    assert caught.value.errors[0].row == 2
    assert "more cells" in caught.value.errors[0].reason
