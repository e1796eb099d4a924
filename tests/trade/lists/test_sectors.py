"""UFLPA high-priority sectors by HTS code."""

from __future__ import annotations

import pytest

from ctip.trade.lists.sectors import uflpa_priority_sector, uflpa_sectors


@pytest.mark.parametrize(
    ("hts", "sector"),
    [
        ("6109.10.0012", "apparel"),
        ("6204620000", "apparel"),
        ("5201000500", "cotton"),
        ("0702000000", "tomatoes"),
        ("2804610000", "polysilicon"),
        ("7601103000", "aluminum"),
        ("3904100000", "pvc"),
        ("0306170000", "seafood"),
        ("8703230000", None),
    ],
)
def test_sector_of_hts_code(hts: str, sector: str | None) -> None:
    assert uflpa_priority_sector(hts) == sector


def test_seven_sectors_without_overlap() -> None:
    sectors = uflpa_sectors()
    assert {s.name for s in sectors} == {
        "apparel",
        "cotton",
        "tomatoes",
        "polysilicon",
        "aluminum",
        "pvc",
        "seafood",
    }
    headings = [h for s in sectors for h in s.hts_headings]
    assert len(headings) == len(set(headings))


def test_not_an_hts_code() -> None:
    with pytest.raises(ValueError):
        uflpa_priority_sector("61")
