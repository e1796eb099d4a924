"""Loading and scanning in the store (SQLite and PostgreSQL): once, all or nothing, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ctip.finance import detect, loading, readers, service
from ctip.finance.tables import AccountRow, TransactionRow
from ctip.ingest.errors import FileRejected
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.store.db import Database
from ctip.store.tables import AuditEvent
from tests.finance.conftest import TX_HEADER, csv_bytes, fan_in_records


def _load(session: object, accounts: bytes, txs: bytes) -> loading.LoadOutcome:
    files = {"accounts.csv": accounts, "transactions.csv": txs}
    return loading.load_records(
        session,  # type: ignore[arg-type]
        files,
        "csv:test",
        lambda: readers.read_csv(accounts, "accounts.csv", txs, "transactions.csv"),
        "ana",
    )


def test_load_once_scan_and_show(database: Database) -> None:
    accounts, txs = fan_in_records()
    with database.session() as session:
        first = _load(session, accounts, txs)
        assert (first.accounts, first.transactions, first.already_loaded) == (18, 46, False)
    with database.session() as session:
        again = _load(session, accounts, txs)
        assert again.already_loaded
        assert session.execute(select(func.count()).select_from(TransactionRow)).scalar_one() == 46
        outcome = service.scan(session, "ana")
        assert outcome.flagged >= 6 and outcome.patterns >= 1
    with database.session() as session:
        rows = {r[0]: r for r in service.flag_rows(session)}
        assert rows["HUB"][2] == "true" and "fan_in" in rows["HUB"][3]
        assert "escort_ad_payments" in rows["HUB"][4]
        assert rows["P9"][2] == "false"
        view = service.account_view(session, "HUB", "ana")
        assert view.explanation is not None and view.patterns
        assert {t.tx_id for t in view.transactions} >= {"odd0", "m0"}
        actions = set(session.execute(select(AuditEvent.action)).scalars())
        assert {"finance:write:load", "finance:write:scan", "finance:read:account"} <= actions
        assert service.flagged_count(session) == outcome.flagged


def test_a_bad_row_stores_nothing(database: Database) -> None:
    accounts, _ = fan_in_records()
    bad = csv_bytes(
        TX_HEADER,
        [("t1", "A", "B", "1", "", "", "", "", ""), ("t2", "A", "", "1", "", "", "", "", "")],
    )
    with pytest.raises(FileRejected), database.session() as session:
        _load(session, accounts, bad)
    with database.session() as session:
        assert session.execute(select(func.count()).select_from(AccountRow)).scalar_one() == 0


def test_holder_phone_meets_an_entity_of_another_area(database: Database) -> None:
    entity = (
        b'{"id": "poster-1", "schema": "LegalEntity", "properties": '
        b'{"name": ["Poster of network 7"], "phone": ["+17025550143"]}}\n'
    )
    accounts, txs = fan_in_records()
    with database.session() as session:
        import_ftm_bytes(session, entity, "ads.jsonl", "ads", "test")
        _load(session, accounts, txs)
        service.scan(session, "ana")
    with database.session() as session:
        view = service.account_view(session, "HUB", "ana")
        assert view.explanation is not None
        links = [f for f in view.explanation.features if f.name.startswith("link:")]
        assert links and "Poster of network 7" in links[0].sentence


def test_stored_payments_read_as_columns_equal_the_payments_read_one_by_one(
    database: Database,
) -> None:
    accounts, txs = fan_in_records()
    with database.session() as session:
        _load(session, accounts, txs)
    with database.session() as session:
        columns = service.stored_table(session)
        assert columns.num_rows == 46
        assert columns.equals(detect.arrow_table(service.stored_transactions(session)))


@pytest.mark.parametrize(
    "amounts",
    [
        ["12.50", "0", "1e3", "-3", "nan", "inf", "1e400", ".5"],  # numbers: cast at once
        ["1,234.56", " 7 ", "", "abc", "+5", "1_000", "Infinity", "0x10"],  # read one by one
    ],
)
def test_stored_amounts_are_read_as_the_reader_reads_them(amounts: list[str]) -> None:
    expected = [readers.readable_amount(a) for a in amounts]
    assert service.amounts(amounts).to_pylist() == expected
    assert None in expected and any(e is not None for e in expected)
