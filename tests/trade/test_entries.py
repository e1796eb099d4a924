"""Entry lines from CSV: every field checked, bad rows named, all or nothing, idempotent."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ctip.ingest.errors import FileRejected
from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from ctip.trade import entries
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
        ("hts_code", "610910001", "hts_code"),
        ("hts_code", "61091000AB", "hts_code"),
        ("country_of_origin", "XX", "ISO 3166"),
        ("value_usd", "-5", "0 or more"),
        ("value_usd", "12.345", "two decimal"),
        ("value_usd", "lots", "not a number"),
        ("quantity", "NaN", "0 or more"),
        ("arrival_date", "03/04/2025", "YYYY-MM-DD"),
        ("entry_number", "12", "entry_number"),
        ("line_number", "0", "line_number"),
        ("importer", "", "importer is empty"),
    ],
)
def test_each_bad_field_rejects_its_row_with_the_reason(
    column: str, value: str, reason: str
) -> None:
    data = entry_csv([raw_row(), raw_row(**{"line_number": "2", column: value})])
    with pytest.raises(FileRejected) as caught:
        entries.read_entry_lines(data, "e.csv")
    (error,) = caught.value.errors
    assert error.row == 3
    assert reason in error.reason


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
    (line,) = entries.read_entry_lines(_without("port", entry_csv([raw_row()])), "e.csv")
    assert line.port == ""
    data = entry_csv([raw_row(port="LAX", country_of_origin="China", arrival_date="2025-3-4")])
    (line,), warnings = entries.read_entry_file(data, "e.csv")
    assert (line.port, line.country_of_origin, line.arrival_date) == ("", "CN", "2025-03-04")
    assert [(w.row, w.column, w.value) for w in warnings] == [(2, "port", "LAX")]


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
    bad = entry_csv([raw_row(entry_number="XYZ-7654321-0"), raw_row(line_number="2", hts_code="x")])
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
