"""One explanation type for every score: named features, each with a sentence and references.

Screening of names and entry lines, ads, networks and clusters (and next finance) all say
why they decided as they did in this one shape, so a page, an API client and a court read
them alike. Each `Feature` carries

- a value in [-1, 1] and a weight: what the score was computed from;
- a plain-language `sentence` for people ("Manufacturer matches UFLPA entry ... exactly");
- structured `references` (the list, the entry, the alias, the rule, the tier, the place,
  the document...) for code: code reads the references, never the sentence, so a change of
  wording can never change a legal clock or a filter;
- whether it `supports` the flag (a match, a detention, a link) or argues against it:
  evidence against is shown as conflicting, not folded silently into the score.

`Explanation.summary()` says how the score and the thresholds led to the outcome. Stored
explanations round-trip through JSON (`to_json` / `from_json`); a stored text that is not an
explanation raises `InvalidInput`. No I/O here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from ctip.model.errors import InvalidInput

FORMAT_VERSION: Final = 1
CONFLICTING: Final = "Conflicting evidence"


class RefKind(StrEnum):
    """What a reference points at."""

    LIST = "list"
    ENTRY = "entry"
    ALIAS = "alias"
    RULE = "rule"
    TIER = "tier"
    DOCUMENT = "document"
    PLACE = "place"
    IDENTIFIER = "identifier"
    RECORD = "record"
    GOODS = "goods"
    SECTOR = "sector"
    AD = "ad"
    NETWORK = "network"
    JUDGEMENT = "judgement"
    FIELD = "field"


@dataclass(frozen=True)
class Reference:
    """A thing a feature rests on: its kind, its id, a label for people, where to read more.

    `url` is a workbench path when a page exists (an entity, a cluster); `citation` names a
    published source (a statute, a rule's paper).
    """

    kind: RefKind
    id: str
    label: str = ""
    url: str = ""
    citation: str = ""

    def to_dict(self) -> dict[str, str]:
        """The reference as JSON-ready fields (empty ones left out)."""
        found = {"kind": self.kind.value, "id": self.id, "label": self.label}
        found.update(url=self.url, citation=self.citation)
        return {k: v for k, v in found.items() if v or k in ("kind", "id")}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Reference:
        """A reference from its JSON fields; an unknown kind is refused."""
        try:
            kind = RefKind(str(raw.get("kind", "")))
        except ValueError:
            raise InvalidInput(f"unknown reference kind {raw.get('kind')!r}") from None
        return cls(
            kind,
            str(raw.get("id", "")),
            str(raw.get("label", "")),
            str(raw.get("url", "")),
            str(raw.get("citation", "")),
        )


@dataclass(frozen=True)
class Feature:
    """One named piece of evidence behind a score.

    `detail` keeps the technical trace (a name alignment, a model level) for the expert who
    asks; people read `sentence`. `overrides` marks a human decision that wins over the score
    (an analyst's judgement).
    """

    name: str
    value: float
    weight: float
    sentence: str
    references: tuple[Reference, ...] = ()
    supports: bool = True
    detail: str = ""
    overrides: bool = False

    def __post_init__(self) -> None:
        if not -1.0 <= self.value <= 1.0:
            raise InvalidInput(f"feature {self.name!r}: value {self.value} is not in [-1, 1]")

    @property
    def contribution(self) -> float:
        """Value times weight."""
        return self.value * self.weight

    @property
    def evidence(self) -> str:
        """The sentence, under the name earlier callers used."""
        return self.sentence

    def refs(self, kind: RefKind) -> tuple[Reference, ...]:
        """The references of one kind."""
        return tuple(r for r in self.references if r.kind is kind)

    def to_dict(self) -> dict[str, Any]:
        """The feature as JSON-ready fields."""
        found: dict[str, Any] = {
            "name": self.name,
            "value": self.value,
            "weight": self.weight,
            "sentence": self.sentence,
            "supports": self.supports,
            "references": [r.to_dict() for r in self.references],
        }
        if self.detail:
            found["detail"] = self.detail
        if self.overrides:
            found["overrides"] = True
        return found

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Feature:
        """A feature from its JSON fields."""
        try:
            return cls(
                name=str(raw["name"]),
                value=float(raw["value"]),
                weight=float(raw["weight"]),
                sentence=str(raw["sentence"]),
                references=tuple(Reference.from_dict(r) for r in raw.get("references", [])),
                supports=bool(raw.get("supports", True)),
                detail=str(raw.get("detail", "")),
                overrides=bool(raw.get("overrides", False)),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"not a stored feature: {error}") from None


@dataclass(frozen=True)
class Threshold:
    """A score at or above `at` leads to `outcome` (unless a higher threshold is reached)."""

    outcome: str
    at: float


@dataclass(frozen=True)
class Explanation:
    """Why a score and an outcome: the features, the score and the thresholds it met.

    `thresholds` may hold several (detain at 0.85, review at 0.30); `below` names the outcome
    when none is reached ("release", "no match").
    """

    outcome: str
    score: float
    features: tuple[Feature, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    below: str = ""

    @property
    def threshold(self) -> float | None:
        """The threshold that decided: the highest one reached, else the lowest one missed."""
        reached = self._reached()
        if reached:
            return reached[0].at
        ordered = self._ordered()
        return ordered[-1].at if ordered else None

    def _ordered(self) -> list[Threshold]:
        return sorted(self.thresholds, key=lambda t: -t.at)

    def _reached(self) -> list[Threshold]:
        return [t for t in self._ordered() if self.score >= t.at]

    def supporting(self) -> tuple[Feature, ...]:
        """The features that argue for the flag (a match, a detention, a link)."""
        return tuple(f for f in self.features if f.supports and not f.overrides)

    def conflicting(self) -> tuple[Feature, ...]:
        """The features that argue against it: conflicting evidence, shown as such."""
        return tuple(f for f in self.features if not f.supports and not f.overrides)

    def overriding(self) -> tuple[Feature, ...]:
        """Human decisions that win over the score."""
        return tuple(f for f in self.features if f.overrides)

    def references(self, kind: RefKind) -> tuple[Reference, ...]:
        """Every reference of one kind, feature by feature."""
        return tuple(r for f in self.features for r in f.refs(kind))

    def summary(self) -> str:
        """How the score and the thresholds led to the outcome, in one or two sentences."""
        overriding = self.overriding()
        if overriding:
            return (
                f"{overriding[-1].sentence} This judgement decides over the score "
                f"({self.score:.2f}): {self.outcome}."
            )
        text = f"{self._against_thresholds()}, so the outcome is {self.outcome}."
        conflicts = len(self.conflicting())
        if conflicts:
            pieces = (
                "1 piece of evidence conflicts"
                if conflicts == 1
                else f"{conflicts} pieces of evidence conflict"
            )
            text += f" {pieces}."
        return text

    def _against_thresholds(self) -> str:
        """'Score 0.52 reaches the review threshold of 0.30, short of the detain ... 0.85'."""
        ordered, reached = self._ordered(), self._reached()
        if not ordered:
            count = len(self.supporting())
            return f"{count} piece{'' if count == 1 else 's'} of evidence for it"
        if not reached:
            lowest = ordered[-1]
            return (
                f"Score {self.score:.2f} is below the {lowest.outcome} threshold of {lowest.at:.2f}"
            )
        met = reached[0]
        text = f"Score {self.score:.2f} reaches the {met.outcome} threshold of {met.at:.2f}"
        higher = ordered[ordered.index(met) - 1] if ordered.index(met) > 0 else None
        if higher is not None:
            text += f", short of the {higher.outcome} threshold of {higher.at:.2f}"
        return text

    def sentences(self) -> list[str]:
        """A sentence per feature, the conflicting ones marked."""
        return [f.sentence if f.supports else f"{CONFLICTING}: {f.sentence}" for f in self.features]

    def text(self) -> str:
        """The summary and every feature's sentence as one paragraph (CSV cells, consoles)."""
        return " ".join([self.summary(), *self.sentences()])

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON-ready fields, with a format version."""
        return {
            "version": FORMAT_VERSION,
            "outcome": self.outcome,
            "score": self.score,
            "thresholds": [{"outcome": t.outcome, "at": t.at} for t in self.thresholds],
            "below": self.below,
            "summary": self.summary(),
            "features": [f.to_dict() for f in self.features],
        }

    def to_json(self) -> str:
        """The explanation as JSON text, for storage."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Explanation:
        """An explanation from its JSON fields (the summary is recomputed, never read)."""
        if not isinstance(raw, Mapping) or raw.get("version") != FORMAT_VERSION:
            raise InvalidInput("not a stored explanation (no format version 1)")
        try:
            thresholds = tuple(
                Threshold(str(t["outcome"]), float(t["at"])) for t in raw.get("thresholds", [])
            )
            return cls(
                outcome=str(raw["outcome"]),
                score=float(raw["score"]),
                features=tuple(Feature.from_dict(f) for f in raw.get("features", [])),
                thresholds=thresholds,
                below=str(raw.get("below", "")),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInput(f"not a stored explanation: {error}") from None

    @classmethod
    def from_json(cls, text: str) -> Explanation:
        """An explanation from stored JSON text."""
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(f"stored explanation is not JSON: {error.msg}") from None
        return cls.from_dict(raw)


def strongest_first(features: Iterable[Feature]) -> tuple[Feature, ...]:
    """Features by the size of their contribution, largest first (ties by name)."""
    return tuple(sorted(features, key=lambda f: (-abs(f.contribution), f.name, f.sentence)))


__all__ = ["Explanation", "Feature", "RefKind", "Reference", "Threshold", "strongest_first"]
