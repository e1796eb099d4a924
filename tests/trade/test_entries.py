"""Entry lines from CSV: every field checked, bad rows named, all or nothing, idempotent."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected
from ctip.store.db import Database
from ctip.store.paging import PageQuery
from ctip.store.tables import AuditEvent
from ctip.trade import entries, service
from ctip.trade.screening import Screener
from ctip.trade.tables import EntryLineRow
from tests.trade.conftest import entry_csv, line, raw_row


def test_a_good_file_reads_every_field_exactly() -> None:
    data = entry_csv(
        [raw_row(hts_code="6109.10.0012", value_usd="1,234.50", country_of_origin="cn")]
    )
    (line,) = entries.read_entry_lines(data, "e.csv")
    assert line.entry_number == "ABC12345671"
    assert line.hts_code == "6109100012"
    assert line.value_usd == Decimal("1234.50")
    assert line.country_of_origin == "CN"


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("entry_number", "12", "entry_number"),
        ("line_number", "0", "line_number"),
        ("line_number", "", "line_number is empty"),
        ("importer", "", "importer is empty"),
        ("manufacturer", "", "manufacturer is empty"),
        ("importer", "Harbor " * 50, "longer than 300 characters"),
    ],
)
def test_a_row_that_is_no_line_rejects_the_file_with_its_row_and_reason(
    column: str, value: str, reason: str
) -> None:
    data = entry_csv([raw_row(), raw_row(**{"line_number": "2", column: value})])
    with pytest.raises(FileRejected) as caught:
        entries.read_entry_lines(data, "e.csv")
    (error,) = caught.value.errors
    assert error.row == 3
    assert reason in error.reason


@pytest.mark.parametrize(
    ("column", "value", "reason", "empty"),
    [
        ("hts_code", "610910001", "10 digits", ""),
        ("hts_code", "61091000AB", "10 digits", ""),
        ("country_of_origin", "Atlantis", "ISO 3166", ""),
        ("value_usd", "-5", "0 or more", None),
        ("value_usd", "12.345", "two decimal", None),
        ("value_usd", "lots", "not a number", None),
        ("quantity", "NaN", "0 or more", None),
        ("arrival_date", "31/31/2025", "no day and month reading", ""),
        ("arrival_date", "July 2025", "not a whole date", ""),
        ("arrival_date", "1850-01-01", "year out of range", ""),
    ],
)
def test_a_value_that_cannot_be_read_is_kept_as_written_and_warned(
    column: str, value: str, reason: str, empty: object
) -> None:
    data = entry_csv([raw_row(), raw_row(**{"line_number": "2", column: value})])
    read = entries.read_entry_file(data, "e.csv")
    first, second = read.lines
    assert getattr(second, column) == empty, "an unread value is not used"
    assert second.written(column) == value and first.not_read == ()
    (warning,) = read.warnings
    assert (warning.row, warning.column, warning.value) == (3, column, value)
    assert reason in warning.reason
    with pytest.raises(FileRejected) as strict:
        entries.read_entry_file(data, "e.csv", strict=True)
    assert [(e.row, column in e.reason) for e in strict.value.errors] == [(3, True)]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2025-3-4", "2025-03-04"),
        ("03/04/2025", "2025-03-04"),  # CBP writes month first
        ("07/16/2025", "2025-07-16"),
        ("16.07.2025", "2025-07-16"),
        ("16 July 2025", "2025-07-16"),
        ("20250716", "2025-07-16"),
    ],
)
def test_arrival_dates_are_read_as_people_write_them(written: str, read: str) -> None:
    (line,) = entries.read_entry_lines(entry_csv([raw_row(arrival_date=written)]), "e.csv")
    assert line.arrival_date == read


def test_an_empty_declared_value_is_warned_and_an_empty_optional_one_is_not() -> None:
    data = entry_csv([raw_row(quantity="", port="", seller="")])
    read = entries.read_entry_file(data, "e.csv")
    (line,) = read.lines
    assert (line.quantity, line.port, line.seller) == (None, "", "")
    assert [(w.row, w.column, w.value) for w in read.warnings] == [(2, "quantity", "")]


def test_a_repeated_line_and_a_missing_column_are_refused() -> None:
    with pytest.raises(FileRejected, match="repeats row 2"):
        entries.read_entry_lines(entry_csv([raw_row(), raw_row()]), "e.csv")
    with pytest.raises(FileRejected, match=r"missing column.*importer"):
        entries.read_entry_lines(b"entry_number,line_number\nABC-1234567-1,1\n", "e.csv")


def _without(column: str, data: bytes) -> bytes:
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    out = io.StringIO()
    writer = csv.DictWriter(out, [c for c in rows[0] if c != column], lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: v for k, v in row.items() if k != column} for row in rows)
    return out.getvalue().encode()


def test_optional_columns_may_be_left_out_and_an_unreadable_port_is_warned() -> None:
    for optional in entries.OPTIONAL_COLUMNS:
        (line,) = entries.read_entry_lines(_without(optional, entry_csv([raw_row()])), "e.csv")
        assert getattr(line, optional) == ""
    data = entry_csv([raw_row(port="LAX", country_of_origin="China", arrival_date="2025-3-4")])
    read = entries.read_entry_file(data, "e.csv")
    (line,) = read.lines
    assert (line.port, line.country_of_origin, line.arrival_date) == ("", "CN", "2025-03-04")
    assert [(w.row, w.column, w.value) for w in read.warnings] == [(2, "port", "LAX")]


def test_a_declared_column_left_out_refuses_the_file_and_names_the_columns() -> None:
    with pytest.raises(FileRejected) as caught:
        entries.read_entry_lines(_without("arrival_date", entry_csv([raw_row()])), "e.csv")
    (error,) = caught.value.errors
    assert error.row == 1 and "missing column(s): arrival_date" in error.reason
    assert "optional manufacturer_address" in error.reason


def test_an_extra_column_a_bom_and_latin1_text() -> None:
    data = entry_csv([raw_row()]).decode()
    header, row = data.splitlines()
    extra = f"{header},remarks\n{row},checked\n".encode()
    (line,) = entries.read_entry_lines(b"\xef\xbb\xbf" + extra, "e.csv")
    assert line.entry_number == "ABC12345671"
    latin1 = entry_csv([raw_row(importer="Caf\u00e9 Imports")]).decode().encode("latin-1")
    with pytest.raises(FileRejected, match="not UTF-8"):
        entries.read_entry_lines(latin1, "e.csv")


def test_an_unquoted_comma_is_named_with_the_field_count() -> None:
    good = entry_csv([raw_row()]).decode()
    header, row = good.splitlines()[:2]
    broken = f"{header}\n{row.replace('ABC-1234567-1', 'ABC-1234567-1,extra', 1)}\n"
    with pytest.raises(FileRejected) as caught:
        entries.read_entry_lines(broken.encode(), "e.csv")
    assert caught.value.errors[0].row == 2
    assert caught.value.errors[0].reason.startswith("16 fields, expected 15")


def _stored(database: Database) -> int:
    with database.session() as session:
        return int(session.execute(select(func.count()).select_from(EntryLineRow)).scalar_one())


def test_load_is_all_or_nothing_and_idempotent(database: Database) -> None:
    good = entry_csv([raw_row(), raw_row(line_number="2")])
    bad = entry_csv([raw_row(entry_number="XYZ-7654321-0"), raw_row(line_number="x")])
    with pytest.raises(FileRejected), database.session() as session:
        entries.load_entry_lines(session, bad, "bad.csv", "tester")
    assert _stored(database) == 0
    with database.session() as session:
        first = entries.load_entry_lines(session, good, "good.csv", "tester")
    with database.session() as session:
        again = entries.load_entry_lines(session, good, "good.csv", "tester")
        audits = session.execute(
            select(func.count()).where(AuditEvent.action == "trade.entries.load")
        ).scalar_one()
    assert (first.lines_new, again.already_loaded, again.lines_new) == (2, True, 0)
    assert _stored(database) == 2
    assert audits == 1


def test_a_stored_line_sent_again_with_other_values_is_refused(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        entries.load_entry_lines(session, entry_csv([raw_row()]), "a.csv", "tester")
    changed = entry_csv([raw_row(value_usd="99.00"), raw_row(line_number="2")])
    refused = pytest.raises(FileRejected, match="already stored with other values")
    with refused, sqlite_database.session() as session:
        entries.load_entry_lines(session, changed, "b.csv", "tester")
    assert _stored(sqlite_database) == 1
    with sqlite_database.session() as session:
        stored = entries.get_line(session, "ABC12345671", 1)
    assert stored is not None and stored.value_usd == Decimal("1200.00")


def test_written_lines_hold_no_cell_a_spreadsheet_would_run() -> None:
    formula = "=cmd|' /C calc'!A0"
    lines = [line(description=formula, seller="@SUM(A1)", value_usd=Decimal("-5.00"))]
    row = next(csv.DictReader(io.StringIO(entries.write_csv(lines))))
    assert row["description"] == "'" + formula and row["seller"] == "'@SUM(A1)"
    assert row["value_usd"] == "-5.00", "an amount is a number, not a formula"
    assert row["importer"] == "Harbor Goods LLC"


def test_a_line_with_values_not_read_is_stored_empty_and_sorts_last(database: Database) -> None:
    odd = raw_row(line_number="2", value_usd="about 5k", country_of_origin="Atlantis")
    data = entry_csv([raw_row(), odd])
    read = entries.read_entry_file(data, "odd.csv")
    with database.session() as session:
        loaded = entries.load_entry_lines(session, data, "odd.csv", "tester", read)
        decisions = service.screen_lines(read.lines, Screener(()))
        service.record_screenings(session, decisions, "tester", "local")
    assert (loaded.lines_new, loaded.values_not_read) == (2, 2)
    with database.session() as session:
        stored = entries.get_line(session, "ABC12345671", 2)
        note = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "trade.entries.load")
        ).scalar_one()
        by_value = PageQuery(sort="value", descending=True)
        page = service.screened_listing().page(session, by_value)
    assert stored is not None
    assert (stored.value_usd, stored.country_of_origin, stored.hts_code) == (None, "", "9503000073")
    assert "'about 5k' as written" in note and "'Atlantis' as written" in note
    assert {s.line.line_number for s in page.rows} == {1, 2}
    with database.session() as session:
        again = entries.load_entry_lines(session, data, "odd.csv", "tester")
    assert (again.already_loaded, again.values_not_read) == (True, 2), "counted when first read"
