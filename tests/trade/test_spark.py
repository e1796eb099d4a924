"""The Spark engine gives the same decisions as the local engine on the same file."""

from __future__ import annotations

import pytest

from ctip.trade import entries, service
from ctip.trade.screening import Exposure, Screener
from tests.trade.conftest import LISTED, entry_csv, raw_row
from tests.trade.test_screening import real_goods_rule

ROWS = [
    raw_row(),
    raw_row(line_number="2", manufacturer="HOSHINE SILICON INDUSTRY (SHANSHAN) COMPANY LIMITED"),
    raw_row(line_number="3", manufacturer_address="喀什地区疏附县", country_of_origin="CN"),
    raw_row(line_number="4", hts_code="5201000500", country_of_origin="TM"),
    raw_row(line_number="5", seller="新疆中泰化学股份有限公司"),
    raw_row(line_number="6", manufacturer="Hanoi Yarn Co"),
    raw_row(line_number="7", shipper="Marlow Seafoods", hts_code="0304870000"),
    raw_row(line_number="8", manufacturer="Clean Ceramics Ltd", country_of_origin="IN"),
]


@pytest.mark.spark
def test_spark_and_local_engines_decide_alike() -> None:
    lines = entries.read_entry_lines(entry_csv(ROWS), "spark-test.csv")
    exposure = Exposure("Hanoi Yarn Co", "Zhongtai Chemical", 2, "listed", ("Hanoi Yarn Co", "Z"))
    screener = Screener(
        LISTED,
        exposures={"co hanoi yarn": exposure},
        goods_rule=real_goods_rule,
        sector_rule=lambda hts: "seafood" if hts.startswith("0304") else None,
    )
    local = service.screen_lines(lines, screener, "local")
    from ctip.trade.spark import screen_on_spark

    spark = screen_on_spark(lines, screener, master="local[1]", partitions=2)
    assert spark == local
    assert {d.decision.value for d in local} == {"detain", "review", "release"}
