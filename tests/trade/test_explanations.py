"""Entry-line explanations read by people: a sentence per feature on the real UFLPA sample,
the XUAR presumption, conflicting evidence marked, and stored screenings of the earlier form."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

from ctip.lists.readers import PreparedList
from ctip.matching.types import ListEntry
from ctip.model.explain import Explanation, RefKind
from ctip.trade.detentions import under_cbp_order
from ctip.trade.lists import UFLPA_LIST, WRO_LIST
from ctip.trade.lists.uflpa import prepare_uflpa, sample_bytes
from ctip.trade.screening import Decision, Screener, flagged_by_list, stored_explanation
from tests.trade.conftest import LISTED, line

JUNGGAR = "Xinjiang Junggar Cotton and Linen Co., Ltd."


@cache
def uflpa_sample() -> tuple[ListEntry, ...]:
    """The UFLPA excerpt shipped with the package, as the store would serve it."""
    prepared: PreparedList = prepare_uflpa(sample_bytes(), "uflpa_sample.csv", UFLPA_LIST)
    return tuple(
        ListEntry(
            UFLPA_LIST,
            "2024-06",
            e.entry_id,
            e.schema,
            e.name,
            e.aliases,
            e.countries,
            addresses=e.addresses,
            extra={"entity_id": f"uflpa-{e.entry_id}"},
        )
        for e in prepared.entries
    )


def screen_junggar(address: str) -> Explanation:
    screener = Screener(uflpa_sample(), sector_rule=lambda _: None)
    decision = screener.screen(
        line(manufacturer=JUNGGAR, manufacturer_address=address, country_of_origin="CN")
    )
    return decision.explained()


def test_a_listed_manufacturer_in_turpan_reads_as_two_sentences_and_a_decision() -> None:
    explained = screen_junggar("No. 8 Gaochang Road, Turpan")
    sentences = explained.sentences()
    assert sentences[0] == f"Manufacturer {JUNGGAR!r} matches UFLPA entry {JUNGGAR!r} exactly."
    assert any(
        s.startswith("Manufacturer address names Turpan") and "(UFLPA sec. 3 presumption)" in s
        for s in sentences
    )
    assert explained.outcome == Decision.DETAIN
    assert explained.summary().startswith(f"Score {explained.score:.2f} reaches the detain")


def test_the_references_name_the_entry_its_page_the_place_and_the_rule() -> None:
    explained = screen_junggar("No. 8 Gaochang Road, Turpan")
    entry = explained.references(RefKind.ENTRY)[0]
    assert entry.label == JUNGGAR and entry.url == f"/entities/uflpa-{entry.id}"
    assert [r.id for r in explained.references(RefKind.PLACE)] == ["Turpan"]
    assert [r.id for r in explained.references(RefKind.RULE)] == ["uflpa-sec-3"]
    assert flagged_by_list(explained, UFLPA_LIST) and not flagged_by_list(explained, WRO_LIST)


def test_an_address_the_listing_does_not_share_is_conflicting_evidence_that_adds_nothing() -> None:
    explained = screen_junggar("12 Harbour Street, Lagos")
    conflicting = explained.conflicting()
    assert [f.name for f in conflicting] == ["manufacturer_address"]
    assert conflicting[0].weight == 0.0
    assert "Conflicting evidence: Manufacturer against the listing: Address" in explained.text()
    assert "1 piece of evidence conflicts" in explained.summary()


def test_a_line_explanation_survives_storage() -> None:
    explained = screen_junggar("Turpan")
    assert Explanation.from_json(explained.to_json()) == explained


def test_a_screening_stored_in_the_earlier_form_still_reads_with_its_list() -> None:
    old = [
        {
            "name": "manufacturer_listed",
            "value": 0.97,
            "weight": 1.0,
            "evidence": "manufacturer 'Marlow Sea Harvest' matches cbp-wro (2024) entry wro-7 "
            "'Marlow Sea Harvest Ltd': name=0.97 (w 1.00): ...",
        },
        {"name": "xuar_address", "value": 1.0, "weight": 1.0, "evidence": "manufacturer address"},
    ]
    explained = stored_explanation(json.dumps(old), "detain", 0.99)
    assert [f.sentence for f in explained.features] == [o["evidence"] for o in old]
    assert [r.id for r in explained.references(RefKind.ENTRY)] == ["wro-7"]
    assert flagged_by_list(explained, WRO_LIST)
    assert explained.outcome == "detain" and explained.threshold == 0.85


def test_a_wro_party_flags_the_line_under_a_cbp_order_through_its_reference() -> None:
    decision = Screener(LISTED, sector_rule=lambda _: None).screen(
        line(manufacturer="Marlow Seafoods", country_of_origin="TH")
    )
    assert flagged_by_list(decision.explained(), WRO_LIST)
    reworded = decision.explained()
    assert not any(WRO_LIST in f.sentence for f in reworded.features)  # the sentence says "CBP WRO"


def test_the_cbp_order_clock_reads_references_not_wording() -> None:
    decision = Screener(LISTED, sector_rule=lambda _: None).screen(
        line(manufacturer="Marlow Seafoods", country_of_origin="TH")
    )
    assert under_cbp_order(decision.explained().to_json())
    listed = decision.features[0]
    worded_only = replace(listed, sentence=f"matches {WRO_LIST} (2024)", references=())
    unreferenced = replace(decision.explained(), features=(worded_only,))
    assert not under_cbp_order(unreferenced.to_json())
