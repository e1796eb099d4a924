"""AMLSim's payments read by Arrow in record batches give what the csv-module reader gives:
the same payments, accounts and notes on the same lines, the same refusals."""

from __future__ import annotations

import gzip

import pytest

from ctip.finance import readers
from ctip.finance.readers import BankRecords
from ctip.ingest.errors import FileRejected
from tests.conftest import shared_data

HEADER = "sourceNodeId,targetNodeId,value,time\n"
NODES = b"nodeid,isFraud,init_balance,fraudStep\n1,0,10.00,-1\n2,1,20.00,4\n"


def _by_csv_module(monkeypatch: pytest.MonkeyPatch, files: dict[str, bytes]) -> BankRecords:
    with monkeypatch.context() as patched:
        patched.setattr(readers, "_amlsim_payments_arrow", lambda *_args: None)
        return readers.read_amlsim(files)


def _same_outcome(monkeypatch: pytest.MonkeyPatch, files: dict[str, bytes]) -> BankRecords:
    """The Arrow reading, after checking it against the csv-module reading."""
    try:
        expected = _by_csv_module(monkeypatch, files)
    except FileRejected as refused:
        with pytest.raises(FileRejected) as arrow_refused:
            readers.read_amlsim(files)
        assert (arrow_refused.value.file_name, arrow_refused.value.errors) == (
            refused.file_name,
            refused.errors,
        )
        raise
    found = readers.read_amlsim(files)
    assert list(found.accounts.items()) == list(expected.accounts.items())
    assert found.transactions == expected.transactions
    assert found.notes == expected.notes
    return found


def test_the_20k_graph_reads_the_same_through_arrow(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = shared_data("amlsim", "20K_cycle200")
    files = {n: p.read_bytes() for n, p in readers.amlsim_files(folder).items()}
    records = _same_outcome(monkeypatch, files)
    assert len(records.transactions) == 117_805 and len(records.accounts) == 20_000


def test_values_not_plain_are_checked_row_by_row_on_their_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    payments = (
        HEADER
        + "1,2,100.50,3\n"
        + "1, 2 ,ten,4\n"  # line 3: padded id, unreadable amount
        + "2,3,1e3,2026-01-05\n"  # line 4: a date is its day number
        + "3,Ωmega,5,soon\n"  # line 5: a non-ASCII id, unreadable time
        + "2,1,99999999999999999999,7\n"
    )
    files = {"nodes.csv": NODES, "transactions.csv.gz": gzip.compress(payments.encode())}
    records = _same_outcome(monkeypatch, files)
    assert [str(note) for note in records.notes] == [
        "transactions.csv.gz line 3, value: unreadable amount 'ten'",
        "transactions.csv.gz line 5, time: unreadable time 'soon'",
    ]
    assert [(t.tx_id, t.source, t.target, t.step) for t in records.transactions] == [
        ("1", "1", "2", 3),
        ("2", "1", "2", 4),
        ("3", "2", "3", 20458),
        ("4", "3", "Ωmega", -1),
        ("5", "2", "1", 7),
    ]
    assert list(records.accounts) == ["1", "2", "3", "Ωmega"]


def test_lines_are_counted_across_record_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [f"{n},{n + 1},{n}.25,{n % 50}\n" for n in range(2000)]
    rows[1500] = "7,8,lots,9\n"  # line 1502
    files = {"transactions.csv": (HEADER + "".join(rows)).encode()}
    monkeypatch.setattr(readers, "ARROW_BLOCK", 1024)
    records = _same_outcome(monkeypatch, files)
    assert [(n.row, n.column) for n in records.notes] == [(1502, "value")]
    assert records.transactions[1999].tx_id == "2000"


@pytest.mark.parametrize(
    "payments",
    [
        HEADER + "1,2,5,1\n,2,5,1\n" + "x" * 101 + ",2,5,1\n",  # an empty id, a long id
        HEADER + "1,2,5,1\n,2,5,1\n3,4,5\n",  # an empty source, a short row
        HEADER + "1,2,5,1\n\n2,1,5,2\n" + "9," * 40 + "\n",  # a blank line, a long row
        HEADER + '1,"2\n",5,1\n' + "x" * 101 + ",2,5,1\n",  # a value across lines, a long id
        "sourceNodeId,value,time\n1,5,1\n",  # no targetNodeId
        HEADER + "1,2,5,1\n2,1,\xff,2\n",  # not UTF-8 (latin-1 bytes)
    ],
    ids=[
        "empty-and-long-id",
        "empty-and-short",
        "blank-and-long",
        "quoted-and-long-id",
        "column",
        "encoding",
    ],
)
def test_faults_are_reported_as_the_csv_module_reader_reports_them(
    monkeypatch: pytest.MonkeyPatch, payments: str
) -> None:
    files = {"nodes.csv": NODES, "transactions.csv": payments.encode("latin-1")}
    with pytest.raises(FileRejected) as refused:
        _same_outcome(monkeypatch, files)
    assert refused.value.file_name == "transactions.csv"
    assert refused.value.errors and all(e.row >= 1 for e in refused.value.errors)


def test_a_blank_line_at_the_end_is_no_payment(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"transactions.csv": (HEADER + "1,2,5,1\n\n").encode()}
    assert len(_same_outcome(monkeypatch, files).transactions) == 1


def test_a_broken_gzip_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {"transactions.csv.gz": gzip.compress(HEADER.encode())[:-6]}
    with pytest.raises(FileRejected, match="not a gzip file"):
        _same_outcome(monkeypatch, files)


@pytest.mark.parametrize(
    ("payments", "by_arrow"),
    [
        (HEADER + "1,2,5,1\n,2,5,1\n", True),  # a fault in a row Arrow parses
        (HEADER + "1,2,5\n", False),
        (HEADER + '1,"2",5,1\n', False),
        (HEADER + "1,2,5,1\n\n2,1,5,1\n", False),
        ("sourceNodeId,sourceNodeId,targetNodeId,value,time\n1,1,2,5,1\n", False),
    ],
    ids=["fault", "short", "quote", "blank", "header-twice"],
)
def test_arrow_leaves_to_the_csv_module_only_what_it_cannot_take(
    payments: str, by_arrow: bool
) -> None:
    found = readers._amlsim_payments_arrow(BankRecords(), payments.encode(), "t.csv")
    assert (found is not None) == by_arrow
