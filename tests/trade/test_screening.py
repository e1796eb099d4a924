"""Screening lines: every party against the lists, the XUAR, TVPRA goods, sectors, tiers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import cache

from ctip.model.explain import RefKind
from ctip.trade.lists.tvpra import TvpraListing
from ctip.trade.screening import Decision, Exposure, GoodsRisk, Screener, TvpraRule
from tests.conftest import shared_data
from tests.trade.conftest import LISTED, line

# The test's own small HTS mapping for a few goods of the real TVPRA list.
HEADINGS = {"Cotton": ("5201", "5205"), "Garments": ("6109", "6110"), "Tomato Products": ("2002",)}
COUNTRY_CODES = {"China": "CN", "Turkmenistan": "TM", "Uzbekistan": "UZ", "India": "IN"}


@cache
def tvpra_rows() -> tuple[dict[str, str], ...]:
    """The real DOL ILAB TVPRA snapshot."""
    path = shared_data("ilab_tvpra_list", "tvpra_goods_by_country_2023snapshot.csv")
    with path.open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def real_goods_rule(country: str, hts_code: str) -> Sequence[GoodsRisk]:
    """Goods x country pairs of the real list, through the test's HTS mapping."""
    risks = []
    for row in tvpra_rows():
        headings = HEADINGS.get(row["good"], ())
        if COUNTRY_CODES.get(row["country"]) == country and hts_code[:4] in headings:
            forced = row["forced_labor"] == "Yes" or row["forced_child_labor"] == "Yes"
            risks.append(GoodsRisk(row["good"], country, forced, row["child_labor"] == "Yes"))
    return risks


def no_sector(_: str) -> None:
    return None


def screener(**kwargs: object) -> Screener:
    return Screener(LISTED, goods_rule=real_goods_rule, sector_rule=no_sector, **kwargs)  # type: ignore[arg-type]


def test_an_ordinary_line_is_released_with_nothing_to_explain() -> None:
    decision = screener().screen(line())
    assert (decision.decision, decision.score, decision.features) == (Decision.RELEASE, 0.0, ())


def test_a_listed_manufacturer_under_another_company_form_is_detained() -> None:
    decision = screener().screen(
        line(
            manufacturer="HOSHINE SILICON INDUSTRY (SHANSHAN) COMPANY LIMITED",
            country_of_origin="CN",
        )
    )
    assert decision.decision is Decision.DETAIN
    feature = decision.features[0]
    assert feature.name == "manufacturer_listed"
    assert "UFLPA entry 'Hoshine Silicon Industry (Shanshan) Co. Ltd.'" in feature.sentence
    assert [(r.kind, r.id) for r in feature.references[:2]] == [
        (RefKind.LIST, "uflpa"),
        (RefKind.ENTRY, "u-hoshine"),
    ]


def test_a_listed_seller_in_chinese_script_is_found_through_its_alias() -> None:
    decision = screener().screen(line(seller="新疆中泰化学股份有限公司"))
    names = [f.name for f in decision.features]
    assert "seller_listed" in names
    seller = decision.features[names.index("seller_listed")]
    assert seller.sentence.startswith(
        "Seller '新疆中泰化学股份有限公司' matches UFLPA entry 'Xinjiang Zhongtai"
    )
    assert "through its alias '新疆中泰化学股份有限公司'" in seller.sentence
    assert [r.id for r in seller.refs(RefKind.ALIAS)] == ["新疆中泰化学股份有限公司"]
    assert [r.id for r in seller.refs(RefKind.ENTRY)] == ["u-zhongtai"]
    assert decision.decision is not Decision.RELEASE


def test_a_factory_in_xinjiang_is_detained_whatever_the_script() -> None:
    for address in ("喀什地区疏附县工业园", "No. 18 Beijing Rd, Urumqi", "ئۈرۈمچى"):
        decision = screener().screen(line(manufacturer_address=address, country_of_origin="CN"))
        assert decision.decision is Decision.DETAIN, address
        assert decision.features[0].name == "xuar_address"


def test_tvpra_goods_from_a_listed_country_call_for_review_only_there() -> None:
    cotton = line(hts_code="5201000500", description="raw cotton")
    from_turkmenistan = screener().screen(
        cotton.__class__(**{**cotton.__dict__, "country_of_origin": "TM"})
    )
    from_vietnam = screener().screen(cotton)
    assert from_turkmenistan.decision is Decision.REVIEW
    assert "Cotton from TM (forced labour)" in from_turkmenistan.features[0].evidence
    assert from_vietnam.decision is Decision.RELEASE


def test_evidence_adds_up_so_two_weak_reasons_outweigh_one() -> None:
    tomato = line(hts_code="2002908020", country_of_origin="CN")
    alone = screener().screen(tomato)
    with_sector = Screener(
        LISTED, goods_rule=real_goods_rule, sector_rule=lambda _: "tomatoes"
    ).screen(tomato)
    assert 0 < alone.score < with_sector.score < 1
    assert {f.name for f in with_sector.features} == {"tvpra_goods", "uflpa_sector"}


def test_a_listed_supplier_at_tier_two_raises_the_line_with_the_tier_as_evidence() -> None:
    exposure = Exposure("Saigon Knitwear JSC", "Zhongtai Chemical", 2, "listed", ("a", "b"))
    far = Exposure("Saigon Knitwear JSC", "Zhongtai Chemical", 4, "listed", ("a", "b", "c", "d"))
    near_decision = screener(exposures={"jsc knitwear saigon": exposure}).screen(line())
    far_decision = screener(exposures={"jsc knitwear saigon": far}).screen(line())
    assert near_decision.features[0].name == "supplier_tier"
    assert "tier 2" in near_decision.features[0].evidence
    assert near_decision.score > far_decision.score > 0
    assert near_decision.decision is Decision.REVIEW


def test_the_tvpra_rule_reads_the_lists_area_listings() -> None:
    listing = TvpraListing("Cotton", "tm", "Turkmenistan", ("forced_labor",))
    rule = TvpraRule((listing,))
    raw_cotton = line(hts_code="5201000500", country_of_origin="TM")
    decision = Screener(LISTED, goods_rule=rule, sector_rule=no_sector).screen(raw_cotton)
    assert decision.features[0].name == "tvpra_goods"
    assert "Cotton" in decision.features[0].evidence
    assert rule("VN", "5201000500") == []
