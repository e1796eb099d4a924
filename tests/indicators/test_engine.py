"""The YAML rule-pack engine and the ads pack: sources, labels, evidence."""

from __future__ import annotations

import csv

import pytest

from ctip.indicators.engine import PackError, load_pack, parse_pack
from ctip.networks.extract import extract, fold
from tests.conftest import shared_data

NEUTRAL = (
    "Good evening, I am Maria, a classy and warm companion. I enjoy dinner dates and good "
    "music. Rates from 300 per hour. Serious gentlemen only. 32 years."
)
FIRES = {
    "ads.third_person": "She is waiting for you",
    "ads.movement": "New in town for a few days",
    "ads.several_cities": "Houston tonight, Dallas tomorrow",
    "ads.several_people": "2 girls available, ask about my friend",
    "ads.youth_cues": "young and fresh, new to this",
    "ads.young_age_claim": "I am 18 yo",
    "ads.around_the_clock": "available 24/7",
    "ads.restricted_movement": "incall only",
    "ads.third_party_contact": "text my manager",
    "ads.low_hourly_price": "80 roses/hr",
    "ads.low_short_price": "$40 qv",
    "ads.specials": "specials tonight",
    "ads.no_law_enforcement": "no cops",
    "ads.alternative_payment": "deposit required by gift card",
}


def _fired(text: str) -> dict[str, tuple[str, ...]]:
    extraction = extract(text)
    score = load_pack("ads").evaluate(fold(text), extraction.features)
    return {f.rule_id: f.evidence for f in score.fired}


def test_every_rule_has_a_test_phrase() -> None:
    assert {rule.id for rule in load_pack("ads").rules} == set(FIRES)


@pytest.mark.parametrize(("rule_id", "text"), sorted(FIRES.items()))
def test_rule_fires_on_its_words_and_shows_them(rule_id: str, text: str) -> None:
    evidence = _fired(text)[rule_id]
    assert evidence and all(e.lower() in fold(text) or "=" in e for e in evidence)


def test_a_neutral_ad_fires_nothing() -> None:
    assert _fired(NEUTRAL) == {}


def test_score_is_the_capped_sum_of_weights() -> None:
    pack = load_pack("ads")
    text = "She is new in town, incall only"
    score = pack.evaluate(fold(text), extract(text).features)
    weights = {r.id: r.weight for r in pack.rules}
    assert score.score == pytest.approx(min(1.0, sum(weights[f.rule_id] for f in score.fired)))
    assert {f.rule_id for f in score.fired} == {
        "ads.third_person",
        "ads.movement",
        "ads.restricted_movement",
    }


def test_every_rule_cites_a_source_and_explains_itself() -> None:
    for rule in load_pack("ads").rules:
        assert rule.sources and all(s.citation for s in rule.sources), rule.id
        assert len(rule.explanation) > 40, rule.id


def test_taxonomy_labels_match_the_published_label_list() -> None:
    path = shared_data("indicator_taxonomies", "label_lists.csv")
    with path.open(encoding="utf-8") as stream:
        labels = {(r["framework"], r["code"]): r["label"] for r in csv.DictReader(stream)}
    cited = [s for rule in load_pack("ads").rules for s in rule.sources if s.framework]
    assert {s.framework for s in cited} == {
        "POLARIS_TYPOLOGY_2017",
        "ILO_FL_2012",
        "FINCEN_FIN_2020_A008_TYPOLOGY",
    }
    for source in cited:
        assert labels[(source.framework, source.code)] == source.label


@pytest.mark.parametrize(
    ("yaml_text", "problem"),
    [
        ("rules: nope", "a mapping with a 'rules' list"),
        (
            "name: x\nversion: '1'\nrules:\n- {id: a, title: t, weight: 0.5, explanation: e, "
            "sources: [], patterns: ['x']}",
            "published source",
        ),
        (
            "name: x\nversion: '1'\nrules:\n- {id: a, title: t, weight: 2, explanation: e, "
            "sources: [{citation: c}], patterns: ['x']}",
            "weight",
        ),
        (
            "name: x\nversion: '1'\nrules:\n- {id: a, title: t, weight: 0.5, explanation: e, "
            "sources: [{citation: c}], patterns: ['(']}",
            "rule a",
        ),
    ],
)
def test_a_bad_pack_is_refused_with_a_reason(yaml_text: str, problem: str) -> None:
    with pytest.raises(PackError, match=problem.replace("(", r"\(")):
        parse_pack(yaml_text)


def test_unknown_pack_is_refused() -> None:
    with pytest.raises(PackError):
        load_pack("no-such-pack")
