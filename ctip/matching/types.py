"""The matching contracts every screening engine and list loader shares (no I/O here).

A `ListEntry` is one listed party as every scorer sees it, whichever list it came from (a
UFLPA entity, a WRO party, a sanctions record), so every hit names the list, the edition and
the entry. A `MatchQuery` is what is screened; `score(query, entry)` in `ctip.matching.scoring`
returns a `MatchResult` whose features say why (`ctip.model.explain`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from ctip.model.explain import Explanation, Feature, Threshold

MATCH: Final = "match"
NO_MATCH: Final = "no match"


@dataclass(frozen=True)
class ListEntry:
    """One listed party: its names and every other field a match can be checked against."""

    list_name: str
    edition: str
    entry_id: str
    schema: str
    name: str
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    includes_subsidiaries: bool = False
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def all_names(self) -> tuple[str, ...]:
        """The name first, then every alias."""
        return (self.name, *self.aliases)


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
class MatchResult:
    """A score in [0, 1], whether it clears the threshold, and the features behind it.

    The features are the shared `ctip.model.explain.Feature`: a sentence for people and
    references (list, entry, alias, field) for code.
    """

    query_id: str
    entry: ListEntry
    score: float
    is_match: bool
    features: tuple[Feature, ...] = field(default=())
    threshold: float | None = None

    def explained(self) -> Explanation:
        """The result as the shared explanation: features, score, threshold, outcome."""
        thresholds = () if self.threshold is None else (Threshold(MATCH, self.threshold),)
        outcome = MATCH if self.is_match else NO_MATCH
        return Explanation(outcome, self.score, self.features, thresholds, NO_MATCH)

    def explanation(self) -> str:
        """How the score led to the outcome, then each feature's sentence, conflicts marked:
        what a person (or a court) reads in the hits CSV."""
        return self.explained().text()


__all__ = ["Feature", "ListEntry", "MatchQuery", "MatchResult"]
