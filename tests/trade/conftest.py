"""Fixtures of the trade tests: entry lines built field by field, and their CSV form."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from ctip.matching.types import ListEntry
from ctip.trade.entries import COLUMNS, EntryLine

BASE_LINE = EntryLine(
    entry_number="ABC12345671",
    line_number=1,
    importer="Harbor Goods LLC",
    manufacturer="Saigon Knitwear JSC",
    manufacturer_address="Binh Duong, Vietnam",
    seller="Saigon Knitwear Trading",
    shipper="Evergreen Line",
    country_of_origin="VN",
    hts_code="9503000073",
    description="toys",
    value_usd=Decimal("1200.00"),
    quantity=Decimal("40"),
    unit="NO",
    arrival_date="2025-03-04",
    port="2704",
)

LISTED = (
    ListEntry(
        "uflpa",
        "2024-06",
        "u-zhongtai",
        "Company",
        "Xinjiang Zhongtai Chemical Co., Ltd.",
        ("新疆中泰化学股份有限公司", "Zhongtai Chemical"),
        ("cn",),
    ),
    ListEntry(
        "uflpa",
        "2024-06",
        "u-hoshine",
        "Company",
        "Hoshine Silicon Industry (Shanshan) Co. Ltd.",
        ("合盛硅业(鄯善)有限公司",),
        ("cn",),
    ),
    ListEntry(
        "cbp-wro",
        "2024",
        "wro-7",
        "Company",
        "Marlow Sea Harvest Ltd",
        ("Marlow Seafoods",),
        ("th",),
    ),
)


def line(**changes: Any) -> EntryLine:
    """The base line with some fields changed."""
    return replace(BASE_LINE, **changes)


def entry_csv(rows: Iterable[dict[str, str]]) -> bytes:
    """CSV bytes in the loader's columns from dicts of raw cell text."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def raw_row(**changes: str) -> dict[str, str]:
    """The base line as raw CSV cells, with some cells changed."""
    row = {column: str(getattr(BASE_LINE, column)) for column in COLUMNS}
    row["entry_number"] = "ABC-1234567-1"
    return {**row, **changes}
