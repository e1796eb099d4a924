"""The shared explanation: summary against thresholds, conflicting evidence, JSON storage."""

from __future__ import annotations

import pytest

from ctip.model.errors import InvalidInput
from ctip.model.explain import Explanation, Feature, Reference, RefKind, Threshold

LISTED = Reference(RefKind.LIST, "uflpa", "UFLPA 2024-06")
ENTRY = Reference(
    RefKind.ENTRY, "e1", "Xinjiang Junggar Cotton and Linen Co., Ltd.", "/entities/e1"
)
NAME = Feature("name", 1.0, 1.0, "Name matches UFLPA entry exactly.", (LISTED, ENTRY))
ADDRESS = Feature("address", -0.5, 0.05, "Address shares no word.", supports=False)
TRADE = (Threshold("detain", 0.85), Threshold("review", 0.3))


def test_the_summary_says_which_threshold_the_score_reached_and_which_it_missed() -> None:
    review = Explanation("review", 0.52, (NAME,), TRADE, "release")
    assert review.summary() == (
        "Score 0.52 reaches the review threshold of 0.30, short of the detain threshold "
        "of 0.85, so the outcome is review."
    )
    assert review.threshold == 0.3
    release = Explanation("release", 0.1, (), TRADE, "release")
    assert release.summary().startswith("Score 0.10 is below the review threshold of 0.30")
    detain = Explanation("detain", 0.9, (NAME,), TRADE, "release")
    assert detain.threshold == 0.85 and "short of" not in detain.summary()


def test_conflicting_evidence_is_counted_and_marked() -> None:
    explained = Explanation("match", 0.95, (NAME, ADDRESS), (Threshold("match", 0.7),))
    assert explained.conflicting() == (ADDRESS,)
    assert explained.supporting() == (NAME,)
    assert explained.summary().endswith("1 piece of evidence conflicts.")
    assert explained.sentences()[1] == "Conflicting evidence: Address shares no word."


def test_a_judgement_decides_over_the_score() -> None:
    judged = Feature("judgement", -1.0, 1.0, "Ana judged them different.", overrides=True)
    explained = Explanation("different", 0.99, (NAME, judged), (Threshold("same", 0.9),))
    assert explained.overriding() == (judged,)
    assert explained.summary().startswith("Ana judged them different. This judgement decides")
    assert judged not in explained.conflicting()


def test_an_explanation_survives_json_storage() -> None:
    explained = Explanation("match", 0.951, (NAME, ADDRESS), (Threshold("match", 0.7),), "none")
    assert Explanation.from_json(explained.to_json()) == explained
    assert Explanation.from_json(explained.to_json()).references(RefKind.ENTRY) == (ENTRY,)


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        "[]",
        '{"version": 2, "outcome": "match", "score": 1}',
        '{"version": 1, "score": 1}',
        '{"version": 1, "outcome": "x", "score": 1, "features": [{"name": "n"}]}',
        '{"version": 1, "outcome": "x", "score": 1, "features": [{"name": "n", "value": 1, '
        '"weight": 1, "sentence": "s", "references": [{"kind": "planet", "id": "x"}]}]}',
    ],
)
def test_a_stored_text_that_is_not_an_explanation_is_refused(stored: str) -> None:
    with pytest.raises(InvalidInput):
        Explanation.from_json(stored)


def test_a_feature_value_outside_minus_one_to_one_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Feature("name", 1.5, 1.0, "too sure")
