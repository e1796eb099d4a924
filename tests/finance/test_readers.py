"""Readers of bank records: every format read, labels never read, bad rows named."""

from __future__ import annotations

import pytest

from ctip.finance import readers
from ctip.ingest.errors import FileRejected
from tests.conftest import shared_data
from tests.finance.conftest import ACCOUNT_HEADER, TX_HEADER, csv_bytes, fan_in_records


def test_amlsim_graph_output_is_read_without_its_labels() -> None:
    folder = shared_data("amlsim", "20K_cycle200")
    files = {n: p.read_bytes() for n, p in readers.amlsim_files(folder).items()}
    records = readers.read_amlsim(files)
    assert len(records.transactions) == 117_805
    assert len(records.accounts) == 20_000
    first = records.transactions[0]
    assert (first.source, first.target, first.amount, first.step) == ("280", "15349", "147.8", 1)
    assert not records.notes
    # nothing of isFraud / fraudStep reaches an account
    assert all(not a.holder_name and not a.account_type for a in records.accounts.values())


def test_amlsim_later_schema_reads_accounts_payments_and_cash_not_alerts() -> None:
    folder = shared_data("amlsim", "sample_outputs_small")
    found = readers.amlsim_files(folder)
    assert "alerts.csv" not in found
    records = readers.read_amlsim({n: p.read_bytes() for n, p in found.items()})
    channels = {t.channel for t in records.transactions}
    assert "cash" in channels
    assert any(t.tx_id.startswith("tx:") for t in records.transactions)
    cash = next(t for t in records.transactions if t.channel == "cash")
    assert cash.counterparty.startswith("branch:")
    assert records.accounts["0"].holder_id == "C_0"


def test_csv_keeps_unreadable_values_and_reports_them() -> None:
    accounts, _ = fan_in_records()
    txs = csv_bytes(TX_HEADER, [("t1", "A", "B", "12,50x", "USD", "not a time", "wire", "", "")])
    records = readers.read_csv(accounts, "a.csv", txs, "t.csv")
    assert records.transactions[0].amount == "12,50x"
    assert records.transactions[0].step == -1
    reasons = sorted((n.row, n.column) for n in records.notes)
    assert reasons == [(2, "amount"), (2, "time")]


def test_structural_faults_reject_the_file_with_each_row() -> None:
    txs = csv_bytes(
        TX_HEADER,
        [
            ("t1", "", "B", "10", "USD", "", "", "", ""),
            ("t2", "A", "B", "10", "USD", "", "", "", ""),
            ("t2", "A", "C", "10", "USD", "", "", "", ""),
        ],
    )
    with pytest.raises(FileRejected) as rejected:
        readers.read_csv(None, "", txs, "t.csv")
    assert [e.row for e in rejected.value.errors] == [2]
    assert "source" in str(rejected.value.errors[0])
    fixed = txs.replace(b"t1,,B", b"t1,A,B")
    with pytest.raises(FileRejected, match="given twice"):
        readers.read_csv(None, "", fixed, "t.csv")


def test_missing_column_rejects_the_file() -> None:
    with pytest.raises(FileRejected, match="missing column"):
        readers.read_csv(None, "", b"tx_id,source,amount\n1,A,3\n", "t.csv")
    with pytest.raises(FileRejected, match="missing column"):
        readers.read_csv(b"id,name\n1,x\n", "a.csv", b"source,target,amount\nA,B,1\n", "t.csv")
    assert ACCOUNT_HEADER[0] == "account_id"


def test_amlworld_reads_both_account_columns_and_ignores_the_label() -> None:
    data = (
        b"Timestamp,From Bank,Account,To Bank,Account,Amount Received,Receiving Currency,"
        b"Amount Paid,Payment Currency,Payment Format,Is Laundering\n"
        b"2022/09/01 00:20,010,8000EBD30,010,8000EBD30,3697.34,US Dollar,3697.34,US Dollar,"
        b"Reinvestment,0\n"
        b"2022/09/01 02:15,3208,8000F4580,1,8000F5340,0.01,US Dollar,0.01,US Dollar,Cheque,1\n"
    )
    records = readers.read_amlworld(data, "HI-Small_Trans.csv")
    second = records.transactions[1]
    assert (second.source, second.target, second.currency) == ("8000F4580", "8000F5340", "USD")
    assert second.channel == "cheque"
    assert records.accounts["8000F5340"].bank == "1"
    assert second.step == records.transactions[0].step
