"""Pairwise precision and recall of a grouping of ads against the generator's truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairwiseScore:
    """How many same-poster pairs were put together (recall) and how many put together are."""

    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise_score(groups: Iterable[Iterable[str]], truth: Mapping[str, str]) -> PairwiseScore:
    """Compare predicted groups of ad keys with the true poster of each ad.

    Counted over pairs of ads: a pair is correct when both ads are in one predicted group
    and have one true poster. Pairs are counted from group sizes, not listed, so a million
    ads cost nothing.
    """
    predicted_sizes = []
    overlap: Counter[tuple[int, str]] = Counter()
    for number, group in enumerate(groups):
        members = list(group)
        predicted_sizes.append(len(members))
        overlap.update((number, truth[key]) for key in members)
    true_pairs = _pairs(Counter(truth.values()).values())
    predicted = _pairs(predicted_sizes)
    correct = _pairs(overlap.values())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    return PairwiseScore(precision, recall, true_pairs, predicted, correct)
