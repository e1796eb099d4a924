"""The matching contracts every screening engine and list loader shares (no I/O here).

A `ListEntry` is one listed party as every scorer sees it, whichever list it came from (a
UFLPA entity, a WRO party, a sanctions record), so every hit names the list, the edition and
the entry. A `MatchQuery` is what is screened; `score(query, entry)` in `ctip.matching.scoring`
returns a `MatchResult` whose features say why.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
