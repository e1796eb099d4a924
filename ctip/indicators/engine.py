"""Rule packs of published trafficking indicators, declared in YAML and applied to text.

A pack is data, not code (as FollowTheMoney declares its schema in YAML): each rule has an
id, a weight, the published source it comes from, a plain explanation, and either text
patterns or a condition on a numeric feature the caller computed (a price, a claimed age).
A score lists every rule that fired with the words or the value that fired it, so an
analyst, a supervisor or a court can see why an ad was flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Final

import yaml

from ctip.indicators.literals import LiteralScanner

PACKS_DIR: Final = Path(__file__).parent / "packs"
COMPARATORS: Final = {"below": lambda v, t: v < t, "at_least": lambda v, t: v >= t}
MAX_EVIDENCE: Final = 5


@dataclass(frozen=True)
class Source:
    """Where an indicator is published; `framework`/`code`/`label` name a taxonomy entry."""

    citation: str
    url: str = ""
    framework: str = ""
    code: str = ""
    label: str = ""


@dataclass(frozen=True)
class FeatureCondition:
    """A test of a numeric feature: e.g. `youngest_age below 20`."""

    feature: str
    comparator: str
    threshold: float

    def holds(self, features: dict[str, float]) -> bool:
        """Whether the feature is present and passes the test."""
        value = features.get(self.feature)
        return value is not None and bool(COMPARATORS[self.comparator](value, self.threshold))


@dataclass(frozen=True)
class Rule:
    """One published indicator."""

    id: str
    title: str
    weight: float
    explanation: str
    sources: tuple[Source, ...]
    patterns: tuple[re.Pattern[str], ...]
    condition: FeatureCondition | None


@dataclass(frozen=True)
class Fired:
    """A rule that fired, with the words (or the feature value) that fired it."""

    rule_id: str
    title: str
    weight: float
    evidence: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class IndicatorScore:
    """The score of one text: the sum of the weights of the rules that fired, capped at 1."""

    score: float
    fired: tuple[Fired, ...]


@dataclass(frozen=True)
class RulePack:
    """A named set of rules with a version, so a stored score names the pack that gave it."""

    name: str
    version: str
    description: str
    rules: tuple[Rule, ...]
    scanner: LiteralScanner | None = None
    """Every pattern of the pack: one pass over a text finds where each matches (overlaps
    included), trying a pattern only where the fixed words it begins with begin."""

    @cached_property
    def _layout(
        self,
    ) -> tuple[tuple[int, ...], tuple[range, ...], tuple[tuple[int, FeatureCondition], ...]]:
        """The rule of each pattern (numbered as the scanner numbers them), the patterns of
        each rule, and the rules with a feature condition."""
        rule_of: list[int] = []
        spans = []
        for number, rule in enumerate(self.rules):
            spans.append(range(len(rule_of), len(rule_of) + len(rule.patterns)))
            rule_of += [number] * len(rule.patterns)
        conditional = tuple(
            (n, rule.condition) for n, rule in enumerate(self.rules) if rule.condition is not None
        )
        return tuple(rule_of), tuple(spans), conditional

    def evaluate(
        self, folded_text: str, features: dict[str, float] | None = None
    ) -> IndicatorScore:
        """Apply every rule to lower-cased text and the caller's numeric features.

        Only the rules that can fire are looked at: those whose patterns matched somewhere
        and those whose condition holds.
        """
        found = self.scanner.matches(folded_text) if self.scanner else {}
        given = features or {}
        rule_of, spans, conditional = self._layout
        firing = {rule_of[number] for number in found}
        firing.update(n for n, condition in conditional if condition.holds(given))
        fired = [
            _fire(self.rules[n], [found[p] for p in spans[n] if p in found], given)
            for n in sorted(firing)
        ]
        total = min(1.0, sum(f.weight for f in fired))
        return IndicatorScore(round(total, 4), tuple(fired))


def _scanner(rules: tuple[Rule, ...]) -> LiteralScanner | None:
    patterns = [p for rule in rules for p in rule.patterns]
    return LiteralScanner(patterns) if patterns else None


def _fire(rule: Rule, matched: list[list[re.Match[str]]], features: dict[str, float]) -> Fired:
    """The rule fired: its evidence, its patterns' matches (each pattern's by place), then
    its condition's value."""
    evidence = [match.group(0).strip() for matches in matched for match in matches]
    if rule.condition is not None and rule.condition.holds(features):
        evidence.append(f"{rule.condition.feature} = {features[rule.condition.feature]:g}")
    unique = tuple(dict.fromkeys(evidence))[:MAX_EVIDENCE]
    return Fired(rule.id, rule.title, rule.weight, unique, rule.explanation)


class PackError(ValueError):
    """A rule pack that cannot be used, with the rule and the reason."""


def _source(raw: dict[str, Any]) -> Source:
    return Source(**{k: str(v) for k, v in raw.items()})


def _condition(raw: dict[str, Any] | None, rule_id: str) -> FeatureCondition | None:
    if raw is None:
        return None
    comparator = str(raw.get("comparator", ""))
    if comparator not in COMPARATORS:
        raise PackError(f"rule {rule_id}: comparator must be one of {sorted(COMPARATORS)}")
    return FeatureCondition(str(raw["feature"]), comparator, float(raw["threshold"]))


def _rule(raw: dict[str, Any]) -> Rule:
    rule_id = str(raw.get("id", "?"))
    try:
        patterns = tuple(re.compile(p) for p in raw.get("patterns", []))
        rule = Rule(
            id=rule_id,
            title=str(raw["title"]),
            weight=float(raw["weight"]),
            explanation=" ".join(str(raw["explanation"]).split()),
            sources=tuple(_source(s) for s in raw["sources"]),
            patterns=patterns,
            condition=_condition(raw.get("condition"), rule_id),
        )
    except (KeyError, TypeError, re.error) as error:
        raise PackError(f"rule {rule_id}: {error}") from error
    return _checked(rule)


def _checked(rule: Rule) -> Rule:
    if not 0 < rule.weight <= 1:
        raise PackError(f"rule {rule.id}: weight must be in (0, 1]")
    if not rule.sources:
        raise PackError(f"rule {rule.id}: every indicator needs a published source")
    if not rule.patterns and rule.condition is None:
        raise PackError(f"rule {rule.id}: give patterns or a condition")
    return rule


def parse_pack(text: str) -> RulePack:
    """A pack from YAML text; refuses duplicate ids, missing sources and bad patterns."""
    raw = yaml.safe_load(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        raise PackError("a pack is a mapping with a 'rules' list")
    rules = tuple(_rule(r) for r in raw["rules"])
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise PackError(f"duplicate rule ids in pack {raw.get('name')!r}")
    description = str(raw.get("description", ""))
    return RulePack(str(raw["name"]), str(raw["version"]), description, rules, _scanner(rules))


@cache
def load_pack(name: str) -> RulePack:
    """A pack shipped with ctip (`ctip/indicators/packs/<name>.yaml`)."""
    path = PACKS_DIR / f"{name}.yaml"
    if not path.is_file():
        raise PackError(f"no rule pack named {name!r}")
    return parse_pack(path.read_text(encoding="utf-8"))
