"""The CBP entity-string parser against the expected split of the 36 development strings.

The expected file (OpenSanctions' curated split) keeps the whole string as a "name" for two
place-wide orders (the XUAR region, Malawi tobacco); ctip turns those into goods x place
rules instead, by design (nobody is called "Xinjiang"). Every other development case must
split exactly: same names, same aliases, in order.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.trade.lists.wro import parse_listing
from tests.conftest import shared_data

Expected = list[tuple[str, list[str]]]


def expected_cases() -> dict[int, tuple[str, Expected, list[dict[str, str]]]]:
    """case id -> (raw string, [(name, aliases)], rows) from the development file."""
    rows: dict[int, list[dict[str, str]]] = defaultdict(list)
    with shared_data("cbp_wro", "wro_split_expected_dev.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rows[int(row["case_id"])].append(row)
    cases = {}
    for case_id, found in rows.items():
        split = [
            (r["name"], [a.strip() for a in r["aliases"].split("|") if a.strip()]) for r in found
        ]
        cases[case_id] = (found[0]["raw_cbp_listing_string"], split, found)
    return cases


def parsed(text: str) -> Expected:
    return [(p.name, p.aliases) for p in parse_listing(text).parties]


def test_dev_cases_split_exactly_except_place_wide_orders() -> None:
    cases = expected_cases()
    exact = [cid for cid, (text, want, _) in cases.items() if parsed(text) == want]
    misses = {cid: cases[cid] for cid in cases if cid not in exact}
    rate = len(exact) / len(cases)
    print(f"\nWRO dev split: {len(exact)}/{len(cases)} exact ({rate:.1%}); misses {sorted(misses)}")
    for cid, (text, want, _) in sorted(misses.items()):
        listing = parse_listing(text)
        assert not listing.parties and listing.rules, f"case {cid}: {parsed(text)} != {want}"
        assert want == [(text, [])], f"case {cid}: the expected split is not the whole string"
    assert rate >= 0.94


def test_dev_names_and_aliases_match_one_by_one() -> None:
    names_total = names_exact = 0
    for text, want, _ in expected_cases().values():
        got = dict(parsed(text))
        for name, aliases in want:
            names_total += 1 + len(aliases)
            names_exact += (name in got) + len(set(aliases) & set(got.get(name, [])))
    print(f"\nWRO dev names and aliases: {names_exact}/{names_total} exact")
    assert names_exact / names_total >= 0.95


def test_dev_addresses_where_the_expected_split_has_one() -> None:
    for text, _, rows in expected_cases().values():
        parties = {p.name: p for p in parse_listing(text).parties}
        for row in rows:
            if row["address"]:
                assert parties[row["name"]].address == row["address"], text


def test_subsidiaries_flag_and_note() -> None:
    (party,) = parse_listing("Tangshan Sanyou Group and its Subsidiaries").parties
    assert party.name == "Tangshan Sanyou Group"
    assert party.includes_subsidiaries and party.notes == "and its Subsidiaries"
    first, second = parse_listing(
        "Agropecuarios Tom S.A. de C.V. and Horticola Tom S.A. de C.V. and their subsidiaries"
    ).parties
    assert (first.name, second.name) == (
        "Agropecuarios Tom S.A. de C.V.",
        "Horticola Tom S.A. de C.V.",
    )
    assert first.includes_subsidiaries and second.includes_subsidiaries


def test_and_inside_a_name_does_not_split_it() -> None:
    for text in (
        "Wang Tsang Coal and Iron Factory",
        "Inner Mongolia Hengzheng Group Baoanzhao Agriculture, Industry, and Trade Co., Ltd.",
        "Xuzhou Forging and Pressing Machine Works",
    ):
        assert parsed(text) == [(text, [])]


def test_bracketed_abbreviation_becomes_a_screening_name() -> None:
    (party,) = parse_listing(
        "Xinjiang Production and Construction Corporation (XPCC) and its subordinates"
    ).parties
    assert party.name == "Xinjiang Production and Construction Corporation (XPCC)"
    assert party.abbreviations == ["XPCC"] and party.includes_subsidiaries
    assert "Xinjiang Production and Construction Corporation" in party.screening_names
    (hk,) = parse_listing("Select Protective Technology (HK) Limited").parties
    assert hk.abbreviations == []


def test_or_spelling_gives_both_variants() -> None:
    (party,) = parse_listing(
        "Wulin (or Wuling) Machinery Works, a/k/a Hangzhou Wulin Machinery Plant"
    ).parties
    assert party.aliases == ["Hangzhou Wulin Machinery Plant"]
    assert {"Wulin Machinery Works", "Wuling Machinery Works"} <= set(party.variants)


@pytest.mark.parametrize(
    ("text", "goods", "country"),
    [
        (
            "All Turkmenistan Cotton or products produced in whole or in part "
            "with Turkmenistan cotton.",
            "cotton",
            "tm",
        ),
        (
            "Tobacco produced in Malawi and products containing tobacco produced in Malawi",
            "tobacco",
            "mw",
        ),
    ],
)
def test_country_wide_orders_are_rules_not_names(text: str, goods: str, country: str) -> None:
    listing = parse_listing(text)
    assert listing.parties == []
    (rule,) = listing.rules
    assert (rule.goods, rule.country) == (goods, country)


def test_region_order_takes_the_orders_merchandise() -> None:
    listing = parse_listing("Xinjiang Uyghur Autonomous Region (XUAR)", "cn", "Cotton")
    (rule,) = listing.rules
    assert (rule.goods, rule.country) == ("cotton", "cn")


def test_vessels_and_trailing_location() -> None:
    (vessel,) = parse_listing("Fishing Vessel: Da Wang").parties
    assert (vessel.name, vessel.schema) == ("Da Wang", "Vessel")
    parties = parse_listing(
        "Kumar Carpet Pvt., Everest Carpet, and Valley Carpet; Kathmandu."
    ).parties
    assert [p.name for p in parties] == ["Kumar Carpet Pvt.", "Everest Carpet", "Valley Carpet"]
    assert {p.address for p in parties} == {"Kathmandu"} and {p.country for p in parties} == {"np"}


def test_parse_listing_command_prints_json() -> None:
    text = (
        "Yili Zhuowan Garment Manufacturing Co., Ltd. and "
        "Baoding LYSZD Trade and Business Co., Ltd."
    )
    result = CliRunner().invoke(app, ["trade", "parse-listing", text])
    assert result.exit_code == 0, result.output
    parties = json.loads(result.stdout)
    assert [p["name"] for p in parties] == [
        "Yili Zhuowan Garment Manufacturing Co., Ltd.",
        "Baoding LYSZD Trade and Business Co., Ltd.",
    ]
    assert set(parties[0]) >= {"name", "aliases", "includes_subsidiaries", "country", "address"}
