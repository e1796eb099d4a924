"""Explainable scoring of a query record against a list entry.

CONTRACT (used by screening of plain names and of import entry lines): `score(query, entry)`
returns a `MatchResult` whose `features` say, each with value, weight and evidence, why the
score is what it is. The implementation below is a first baseline (best fuzzy name ratio)
that the matching work replaces; the types and the signature stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ctip.matching.normalize import name_key
from ctip.watchlists.model import ListEntry


@dataclass(frozen=True)
class MatchQuery:
    """A record to screen: a party of an entry line, a name typed by an analyst."""

    query_id: str
    name: str
    schema: str = "LegalEntity"
    countries: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feature:
    """One piece of evidence: its name, value in [-1, 1], weight, and what it rests on."""

    name: str
    value: float
    weight: float
    evidence: str

    @property
    def contribution(self) -> float:
        """Value times weight."""
        return self.value * self.weight


@dataclass(frozen=True)
class MatchResult:
    """A score in [0, 1], whether it clears the threshold, and the features behind it."""

    query_id: str
    entry: ListEntry
    score: float
    is_match: bool
    features: tuple[Feature, ...] = field(default=())

    def explanation(self) -> str:
        """The features as one line a person (or a court) can read."""
        return "; ".join(
            f"{f.name}={f.value:.2f} (w {f.weight:.2f}): {f.evidence}" for f in self.features
        )


DEFAULT_THRESHOLD = 0.85


def score(query: MatchQuery, entry: ListEntry, threshold: float = DEFAULT_THRESHOLD) -> MatchResult:
    """Baseline: the best token-set ratio between the query name and any listed name."""
    best, best_name = 0.0, entry.name
    for listed in entry.all_names:
        ratio = fuzz.token_set_ratio(name_key(query.name), name_key(listed)) / 100.0
        if ratio > best:
            best, best_name = ratio, listed
    feature = Feature("name_similarity", best, 1.0, f"{query.name!r} ~ {best_name!r}")
    return MatchResult(query.query_id, entry, best, best >= threshold, (feature,))
