"""Values read the way people write them; unreadable ones are warned about, never guessed."""

from __future__ import annotations

import pytest

from ctip.ingest.errors import FileRejected
from ctip.ingest.values import (
    RowValues,
    Unreadable,
    ValueWarning,
    check_region,
    read_address,
    read_country,
    read_date,
    read_email,
    read_name,
    read_phone,
    reject_if_strict,
    summarise,
    warnings_csv,
)
from ctip.model.errors import InvalidInput


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("1969-7-16", "1969-07-16"),
        ("1969-07-16", "1969-07-16"),
        ("16.07.1969", "1969-07-16"),
        ("16/07/1969", "1969-07-16"),
        ("7/16/1969", "1969-07-16"),
        ("July 1969", "1969-07"),
        ("16 July 1969", "1969-07-16"),
        ("Jul 16, 1969", "1969-07-16"),
        ("19690716", "1969-07-16"),
        ("1969-07", "1969-07"),
        ("1969", "1969"),
        (" 1969 ", "1969"),
    ],
)
def test_dates_are_read_as_people_write_them(written: str, iso: str) -> None:
    assert read_date(written) == iso


@pytest.mark.parametrize("written", ["foo", "1969-13-01", "31.02.1969", "0001", "n/a", "2999"])
def test_a_date_that_is_no_date_is_unreadable_with_a_reason(written: str) -> None:
    with pytest.raises(Unreadable, match="date"):
        read_date(written)


def test_an_ambiguous_day_and_month_follows_the_region_or_is_not_guessed() -> None:
    with pytest.raises(Unreadable, match="order is unclear"):
        read_date("07/08/1969")
    assert read_date("07/08/1969", "US") == "1969-07-08"
    assert read_date("07/08/1969", "GB") == "1969-08-07"


def test_phones_without_country_code_need_a_region() -> None:
    with pytest.raises(Unreadable, match="no country code"):
        read_phone("310/246-1501")
    assert read_phone("310/246-1501", "US") == "+13102461501"
    assert read_phone("310-246-1501", "US") == "+13102461501"
    assert read_phone("+44 20 7946 0018", "US") == "+442079460018"
    for broken in ("310/788-", "100-813-8212"):
        with pytest.raises(Unreadable, match="not a valid number in US"):
            read_phone(broken, "US")


def test_countries_emails_names_and_addresses() -> None:
    assert read_country("Burma") == "mm"
    assert read_country("DEU") == "de"
    assert read_email("Ann@Example.COM") == "Ann@example.com"
    assert read_name("  John   Smith ") == "John Smith"
    assert read_address("12  Main St.,  Springfield") == "12 Main St., Springfield"
    for bad, reader in (("Atlantis", read_country), ("ann@", read_email), ("?", read_name)):
        with pytest.raises(Unreadable):
            reader(bad)


def test_a_row_keeps_going_past_an_unreadable_value_and_notes_where_it_was() -> None:
    values = RowValues(7, region="US")
    assert values.dates("birth_date", "1969-7-16; someday") == ("1969-07-16",)
    assert values.phone("phone", "310/788-") is None
    assert values.phone("phone", "") is None
    assert [(w.row, w.column, w.value) for w in values.warnings] == [
        (7, "birth_date", "someday"),
        (7, "phone", "310/788-"),
    ]


def test_strict_turns_warnings_into_rejections() -> None:
    warnings = [ValueWarning(3, "birth_date", "someday", "date 'someday' is not a date")]
    reject_if_strict("q.csv", warnings, strict=False)
    with pytest.raises(FileRejected) as raised:
        reject_if_strict("q.csv", warnings, strict=True)
    assert raised.value.errors[0].row == 3
    assert "birth_date" in raised.value.errors[0].reason


def test_the_warning_report_is_csv_safe_and_summarised() -> None:
    warnings = [ValueWarning(2, "name", "=cmd()", "name '=cmd()' has no letters")]
    text = warnings_csv(warnings)
    assert text.splitlines()[0] == "row,column,value,reason"
    assert "'=cmd()" in text
    assert "1 value(s) could not be read" in summarise(warnings)
    assert summarise([]) == "every value was read"


def test_a_region_is_checked() -> None:
    assert check_region("us") == "US"
    assert check_region(None) is None
    assert check_region(" ") is None
    with pytest.raises(InvalidInput, match="region"):
        check_region("USA")
