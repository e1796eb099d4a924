"""Supplier tiers: declarations in, tiers upstream out, the nearest flagged supplier named."""

from __future__ import annotations

import json

import pytest

from ctip.ingest.errors import FileRejected
from ctip.store.db import Database
from ctip.trade import service, tiers
from ctip.trade.screening import Screener
from tests.trade.conftest import LISTED, line

CHAIN = (
    b"buyer,supplier,material,supplier_country,supplier_address\n"
    b"Saigon Knitwear JSC,Hanoi Yarn Co,cotton yarn,VN,Hanoi\n"
    b"Hanoi Yarn Co,Zhongtai Chemical,viscose,CN,Urumqi\n"
    b"Hanoi Yarn Co,Delta Ginning,raw cotton,VN,Can Tho\n"
    b"Delta Ginning,Hanoi Yarn Co,seed,VN,\n"
)


def test_trace_names_tiers_and_the_nearest_flagged_supplier() -> None:
    graph = tiers.supply_graph(tiers.read_supplier_csv(CHAIN, "s.csv"))
    result = tiers.trace(graph, "saigon knitwear jsc", Screener(LISTED))
    by_supplier = {row.supplier: row.tier for row in result.tiers}
    assert by_supplier == {"Hanoi Yarn Co": 2, "Zhongtai Chemical": 3, "Delta Ginning": 3}
    assert result.nearest is not None
    assert (result.nearest.supplier, result.nearest.tier) == ("Zhongtai Chemical", 3)
    assert "uflpa" in (result.nearest.flag or "")


def test_an_unlisted_supplier_in_xinjiang_is_flagged_by_its_address() -> None:
    data = b"buyer,supplier,material,supplier_country,supplier_address\n"
    data += b"A Co,B Mill,cotton,CN,Kashgar\n"
    result = tiers.trace(
        tiers.supply_graph(tiers.read_supplier_csv(data, "s.csv")), "A Co", Screener(())
    )
    assert result.nearest is not None and "XUAR" in (result.nearest.flag or "")


def test_an_entity_with_no_declarations_has_no_tiers() -> None:
    graph = tiers.supply_graph(tiers.read_supplier_csv(CHAIN, "s.csv"))
    assert tiers.trace(graph, "Nobody Ltd", Screener(LISTED)).tiers == ()


def test_bad_declarations_are_refused_with_row_numbers() -> None:
    data = (
        b"buyer,supplier,material,supplier_country\nA,A,cotton,\nA,,cotton,\nA,B,cotton,Chinaland\n"
    )
    with pytest.raises(FileRejected) as caught:
        tiers.read_supplier_csv(data, "s.csv")
    assert [e.row for e in caught.value.errors] == [2, 3]
    assert "same party" in caught.value.errors[0].reason
    assert "supplier is empty" in caught.value.errors[1].reason


def test_an_unreadable_country_is_left_blank_and_warned() -> None:
    data = b"buyer,supplier,material,supplier_country\nA Co,B Mill,cotton,Chinaland\n"
    (link,), warnings = tiers.read_supplier_report(data, "s.csv")
    assert link.supplier_country == ""
    assert [(w.row, w.column, w.value) for w in warnings] == [(2, "supplier_country", "Chinaland")]
    assert tiers.read_supplier_csv(b"buyer,supplier,material\nA,B,c\n", "s.csv")[0].supplier == "B"


def test_a_party_is_found_by_a_close_name_or_suggested() -> None:
    graph = tiers.supply_graph(tiers.read_supplier_csv(CHAIN, "s.csv"))
    typo = tiers.trace(graph, "Saigon Knitware JSC", Screener(LISTED))
    assert typo.entity == "Saigon Knitwear JSC" and len(typo.tiers) == 3
    reordered = tiers.trace(graph, "Co Yarn Hanoi", Screener(LISTED))
    assert reordered.entity == "Hanoi Yarn Co"
    vague = tiers.trace(graph, "Hanoi", Screener(LISTED))
    assert vague.tiers == () and "Hanoi Yarn Co" in vague.suggestions


def test_ftm_links_load_like_csv() -> None:
    lines = [
        {"id": "b", "schema": "Company", "properties": {"name": ["Saigon Knitwear JSC"]}},
        {
            "id": "s",
            "schema": "Company",
            "properties": {"name": ["Zhongtai Chemical"], "country": ["cn"]},
        },
        {
            "id": "l",
            "schema": "UnknownLink",
            "properties": {"subject": ["b"], "object": ["s"], "role": ["viscose"]},
        },
    ]
    data = "\n".join(json.dumps(item) for item in lines).encode()
    (link,) = tiers.read_supplier_ftm(data, "s.ijson")
    assert (link.buyer, link.supplier, link.material, link.supplier_country) == (
        "Saigon Knitwear JSC",
        "Zhongtai Chemical",
        "viscose",
        "CN",
    )


def test_screening_uses_the_stored_tiers(sqlite_database: Database) -> None:
    with sqlite_database.session() as session:
        first = tiers.load_suppliers(session, CHAIN, "s.csv", "tester")
        again = tiers.load_suppliers(session, CHAIN, "s.csv", "tester")
        screener = service.build_screener(session)
    assert (first.links_new, again.already_loaded) == (4, True)
    # no list is loaded in this store: only the region flags Zhongtai (address Urumqi)
    decision = screener.screen(line())
    assert decision.features[0].name == "supplier_tier"
    assert "tier 3" in decision.features[0].evidence
