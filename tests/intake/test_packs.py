"""The screening question packs: published indicators as data, with sources, as published."""

from __future__ import annotations

import csv
import json

import pytest

from ctip.indicators.engine import PackError
from ctip.intake.packs import (
    ENCOUNTER_PACK,
    FORCED_LABOUR_PACK,
    ilo_indicators,
    load_questions,
    parse_questions,
)
from tests.conftest import shared_data


def test_the_ilo_pack_holds_the_eleven_indicators_as_the_reference_list_names_them() -> None:
    path = shared_data("indicator_taxonomies", "label_lists.csv")
    with path.open(encoding="utf-8") as handle:
        published = {
            row["code"]: row["label"]
            for row in csv.DictReader(handle)
            if row["framework"] == "ILO_FL_2012"
        }
    assert len(published) == 11
    assert {q.code: q.indicator for q in ilo_indicators()} == published


def test_every_ilo_example_is_a_sub_indicator_of_the_dol_taxonomy() -> None:
    path = shared_data("indicator_taxonomies", "dol_global_trace", "indicators.json")
    subs = {s for group in json.loads(path.read_text()) for s in group["subIndicators"] or []}
    examples = [e for q in ilo_indicators() for e in q.examples]
    assert examples and all(e in subs for e in examples)


def test_the_blue_campaign_pack_cites_dhs_and_refers_a_minor_in_commercial_sex_at_once() -> None:
    pack = load_questions(ENCOUNTER_PACK)
    assert all(q.sources and "Blue Campaign" in q.sources[0].citation for q in pack.questions)
    at_once = [q.id for q in pack.questions if q.refer_at_once]
    assert at_once == ["blue.minor_commercial_sex"]
    indicators = {q.indicator for q in pack.questions}
    for expected in ("Coached answers", "Someone else in control of movement", "Signs of abuse"):
        assert expected in indicators
    assert load_questions(FORCED_LABOUR_PACK).version


HEAD = "name: p\nversion: '1'\nquestions:\n"
GOOD = "- {id: a, text: t, indicator: i, weight: 0.2, sources: [{citation: c}]}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            HEAD + "- {id: a, text: t, indicator: i, weight: 2, sources: [{citation: c}]}",
            "weight",
        ),
        (
            HEAD + "- {id: a, text: t, indicator: i, weight: 0.2, sources: []}",
            "source",
        ),
        (
            HEAD + GOOD + "\n" + GOOD,
            "duplicate",
        ),
        ("just text", "mapping"),
    ],
)
def test_a_bad_pack_is_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(PackError, match=reason):
        parse_questions(text)
