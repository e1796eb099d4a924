"""Loading the UFLPA Entity List and CBP's WRO/Findings table (CSV and XLSX)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from ctip.ingest.errors import FileRejected
from ctip.lists.store import goods_rules, list_entries, save_edition
from ctip.store.db import Database
from ctip.trade.lists import UFLPA_LIST, WRO_LIST
from ctip.trade.lists.orders import prepare_orders
from ctip.trade.lists.uflpa import prepare_uflpa, sample_bytes

ORDERS = [
    ("date", "country", "entity", "merchandise", "status", "type"),
    ("2021-01-13", "China", "Xinjiang Uyghur Autonomous Region (XUAR)", "Cotton", "Active", "WRO"),
    (
        "5/18/2018",
        "Turkmenistan",
        "All Turkmenistan Cotton or products produced in whole or in part "
        "with Turkmenistan cotton.",
        "Cotton",
        "Active",
        "Finding",
    ),
    (
        "2020-12-02",
        "China",
        "Xinjiang Production and Construction Corporation (XPCC) and its subordinates",
        "Cotton",
        "Active",
        "WRO",
    ),
    (
        "2019-09-30",
        "China",
        "Yili Zhuowan Garment Manufacturing Co., Ltd. and "
        "Baoding LYSZD Trade and Business Co., Ltd.",
        "Garments",
        "Active",
        "WRO",
    ),
]


def as_csv(rows: Sequence[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows: list[tuple[str, ...]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_uflpa_sample_loads_with_dates_and_sections(database: Database) -> None:
    with database.session() as session:
        outcome = save_edition(
            session,
            UFLPA_LIST,
            prepare_uflpa(sample_bytes(), "uflpa_sample.csv", UFLPA_LIST),
            "tester",
            "sample",
            "uflpa",
        )
        entries = {e.name: e for e in list_entries(session, UFLPA_LIST)}
    assert outcome.entries == 20
    xpcc = entries["Xinjiang Production and Construction Corps"]
    assert "XPCC" in xpcc.aliases and xpcc.countries == ("cn",)
    assert xpcc.extra["section"] == "2(d)(2)(B)(i)" and xpcc.extra["date_added"] == "2022-06-21"


def test_uflpa_values_not_read_are_kept_as_written_and_warned() -> None:
    data = (
        b"name,aliases,address,country,date_added,section\n"
        b"A Co,,,cn,2022-13-40,2(d)(2)(B)(i)\nB Co,,,Chna,6/21/2022,section 9\n"
    )
    prepared = prepare_uflpa(data, "u.csv", UFLPA_LIST)
    first, second = prepared.entries
    assert (first.extra["date_added"], first.extra["as written: date_added"]) == ("", "2022-13-40")
    assert second.extra["date_added"] == "2022-06-21", "month first, as US agencies write"
    assert (second.countries, second.extra["as written: country"]) == ((), "Chna")
    assert (second.extra["section"], second.notes) == ("", "UFLPA Entity List")
    warned = [(w.row, w.column, w.value) for w in prepared.warnings]
    assert warned == [
        (2, "date_added", "2022-13-40"),
        (3, "section", "section 9"),
        (3, "country", "Chna"),
    ]


def _mangled_sample() -> bytes:
    """The shipped excerpt as people send it: a BOM, no aliases column, an extra column,
    dates written other ways."""
    rows = list(csv.DictReader(io.StringIO(sample_bytes().decode())))
    out = io.StringIO()
    columns = ["name", "address", "country", "date_added", "section", "remarks"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for number, row in enumerate(rows):
        row["date_added"] = ("6/21/2022", "2022-6-21", "21.06.2022")[number % 3]
        writer.writerow({**row, "remarks": "checked"})
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def test_uflpa_mangled_sample_keeps_every_entity() -> None:
    prepared = prepare_uflpa(_mangled_sample(), "u.csv", UFLPA_LIST)
    assert len(prepared.entries) == 20 and prepared.warnings == []
    assert {e.extra["date_added"] for e in prepared.entries} == {"2022-06-21"}
    assert all(e.aliases == () for e in prepared.entries)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda t: t.replace("Xinjiang,cn", "Xinjiang,Urumqi,cn", 1),
            "line 2: 7 fields, expected 6",
        ),
        (lambda t: t.replace("name,", "title,", 1), "missing column(s): name"),
        (lambda t: t + "\n,,,cn,2022-06-21,\n", "name is empty"),
        (lambda t: t + t.splitlines()[1] + "\n", "also on row 2"),
    ],
)
def test_uflpa_rows_that_are_no_rows_reject_the_file(
    change: Callable[[str], str], reason: str
) -> None:
    with pytest.raises(FileRejected) as rejected:
        prepare_uflpa(change(sample_bytes().decode()).encode(), "u.csv", UFLPA_LIST)
    assert reason in str(rejected.value)
    latin1 = sample_bytes().decode().replace("Corps", "Corpé").encode("latin-1")
    with pytest.raises(FileRejected, match="not UTF-8"):
        prepare_uflpa(latin1, "u.csv", UFLPA_LIST)


@pytest.mark.parametrize("encode", [as_csv, as_xlsx], ids=["csv", "xlsx"])
def test_orders_give_parties_and_place_rules(database: Database, encode: object) -> None:
    data = encode(ORDERS)  # type: ignore[operator]
    with database.session() as session:
        outcome = save_edition(
            session, WRO_LIST, prepare_orders(data, "orders", WRO_LIST), "tester", "v1", "wro"
        )
        entries = list_entries(session, WRO_LIST)
        rules = {r.country: r for r in goods_rules(session, WRO_LIST)}
    names = [e.name for e in entries]
    assert names == [
        "Xinjiang Production and Construction Corporation (XPCC)",
        "Yili Zhuowan Garment Manufacturing Co., Ltd.",
        "Baoding LYSZD Trade and Business Co., Ltd.",
    ]
    assert outcome.rules == 2 and set(rules) == {"cn", "tm"}
    assert "5201" in rules["tm"].hts_headings and "Finding of 2018-05-18" in rules["tm"].basis
    xpcc = entries[0]
    assert xpcc.includes_subsidiaries and "XPCC" in xpcc.aliases
    assert xpcc.extra["type"] == "WRO" and xpcc.extra["date"] == "2020-12-02"


@pytest.mark.parametrize("encode", [as_csv, as_xlsx], ids=["csv", "xlsx"])
def test_orders_values_not_read_are_kept_as_written_and_warned(
    encode: Callable[[list[tuple[str, ...]]], bytes],
) -> None:
    rows: list[tuple[str, ...]] = [
        ("date", "country", "entity", "type"),
        ("2021-13-01", "China", "X Co., Ltd.", "WRO"),
        ("9/30/19", "Atlantis", "Y Co., Ltd.", "Order"),
    ]
    prepared = prepare_orders(encode(rows), "o.csv", WRO_LIST)
    x, y = prepared.entries
    assert (x.extra["date"], x.extra["as written: date"]) == ("", "2021-13-01")
    assert x.entry_id == "wro-2021-13-01-x-co-ltd" and x.countries == ("cn",)
    assert (y.extra["date"], y.extra["type"], y.countries) == ("2019-09-30", "", ())
    assert y.extra["as written: type"] == "Order" and y.entry_id.startswith("order-2019-09-30")
    warned = [(w.row, w.column, w.value) for w in prepared.warnings]
    assert warned == [(2, "date", "2021-13-01"), (3, "type", "Order"), (3, "country", "Atlantis")]


def test_orders_rows_that_are_no_rows_reject_the_file() -> None:
    good = as_csv(ORDERS).decode()
    comma = good.replace("2021-01-13,China", "2021-01-13,China,", 1)
    with pytest.raises(FileRejected, match="line 2: 7 fields, expected 6"):
        prepare_orders(comma.encode(), "o.csv", WRO_LIST)
    with pytest.raises(FileRejected, match="line 2: entity is empty"):
        blank: list[tuple[str, ...]] = [ORDERS[0], ("2021-01-01", "", " ", "", "", "WRO")]
        prepare_orders(as_csv(blank), "o", WRO_LIST)
    with pytest.raises(FileRejected, match="missing column"):
        prepare_orders(good.replace("entity", "who", 1).encode(), "o.csv", WRO_LIST)


def test_not_a_workbook_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(FileRejected):
        prepare_orders(b"PK\x03\x04 not really a zip", "o.xlsx", WRO_LIST)
