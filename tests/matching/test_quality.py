"""Matching quality on labelled name pairs, against the figures nomenklatura's logic-v2
reached on the same pairs (measured by benchmarks/screening.py; quoted in issue 3).

Run with `pytest -s` to see the figures. The threshold is ctip's default, not tuned per
pair; nothing from the file is used but the names, schemas and labels.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from dataclasses import dataclass

import pytest

from ctip.matching.scoring import DEFAULT_THRESHOLD, score
from ctip.matching.types import ListEntry, MatchQuery
from tests.conftest import shared_data

# logic-v2 at its 0.7 threshold on name_bench_cases.csv (true positives, false positives,
# false negatives), overall and per schema, as benchmarks/screening.py measures it.
LOGIC_V2_COUNTS = {
    "all": (355, 112, 70),
    "Person": (198, 85, 49),
    "Company": (129, 27, 14),
    "Organization": (21, 0, 2),
    "LegalEntity": (3, 0, 2),
    "Vessel": (4, 0, 3),
}
PUTIN_MIN_RATE = 0.5  # measured 55%: titles alone and Hangul/Khmer/Burmese spellings fail


@dataclass
class Tally:
    """Confusion counts of one slice of the pairs."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, truth: bool) -> None:
        self.tp += predicted and truth
        self.fp += predicted and not truth
        self.fn += truth and not predicted

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def scored(first: str, second: str, schema: str) -> float:
    """The score of one name against another as a one-name list entry."""
    entry = ListEntry("bench", "1", "e", schema, second)
    return score(MatchQuery("q", first, schema), entry, DEFAULT_THRESHOLD).score


@pytest.fixture(scope="module")
def tallies() -> dict[str, Tally]:
    path = shared_data("name_matching", "name_bench_cases.csv")
    found: dict[str, Tally] = defaultdict(Tally)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            predicted = scored(row["name1"], row["name2"], row["schema"]) >= DEFAULT_THRESHOLD
            truth = row["is_match"] == "true"
            found["all"].add(predicted, truth)
            found[row["schema"]].add(predicted, truth)
    for key, tally in sorted(found.items()):
        print(
            f"name_bench {key:<13} precision {tally.precision:.3f} recall {tally.recall:.3f} "
            f"F1 {tally.f1:.3f} (logic-v2 {peer_f1(key):.3f})"
        )
    return found


def peer_f1(key: str) -> float:
    """logic-v2's F1 on one slice."""
    return Tally(*LOGIC_V2_COUNTS[key]).f1


@pytest.mark.parametrize("slice_", list(LOGIC_V2_COUNTS))
def test_at_least_as_good_as_logic_v2(tallies: dict[str, Tally], slice_: str) -> None:
    assert tallies[slice_].f1 >= peer_f1(slice_)


def test_every_schema_of_the_file_is_measured(tallies: dict[str, Tally]) -> None:
    assert set(tallies) == set(LOGIC_V2_COUNTS)


def test_putin_names_match_each_other() -> None:
    """One person written in many scripts and forms: pairs should match."""
    path = shared_data("name_matching", "putin_names.txt")
    names = [n.strip() for n in path.read_text(encoding="utf-8").splitlines() if n.strip()]
    pairs = list(itertools.combinations(names, 2))
    matched = sum(scored(a, b, "Person") >= DEFAULT_THRESHOLD for a, b in pairs)
    rate = matched / len(pairs)
    print(f"putin_names: {matched}/{len(pairs)} pairs match ({rate:.1%})")
    assert rate >= PUTIN_MIN_RATE
