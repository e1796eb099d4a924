"""Loading the UFLPA Entity List and CBP's WRO/Findings table (CSV and XLSX)."""

from __future__ import annotations

import io
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


def as_csv(rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    import csv

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


def test_uflpa_bad_section_and_date_are_named() -> None:
    data = (
        b"name,aliases,address,country,date_added,section\n"
        b"A Co,,,cn,2022-13-40,2(d)(2)(B)(i)\nB Co,,,cn,2022-06-21,section 9\n"
    )
    with pytest.raises(FileRejected) as rejected:
        prepare_uflpa(data, "u.csv", UFLPA_LIST)
    assert [e.row for e in rejected.value.errors] == [2, 3]


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


def test_orders_bad_rows_are_named() -> None:
    rows = [
        ORDERS[0],
        ("2021-13-01", "China", "X Co., Ltd.", "Hair", "Active", "WRO"),
        ("2021-01-01", "China", "Y Co., Ltd.", "Hair", "Active", "Order"),
    ]
    with pytest.raises(FileRejected) as rejected:
        prepare_orders(as_csv(rows), "o.csv", WRO_LIST)
    assert [e.row for e in rejected.value.errors] == [2, 3]


def test_not_a_workbook_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(FileRejected):
        prepare_orders(b"PK\x03\x04 not really a zip", "o.xlsx", WRO_LIST)
