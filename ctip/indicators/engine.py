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
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

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
    any_pattern: re.Pattern[str] | None = None
    """All the rule's patterns as one alternation: a place where it fails is skipped for
    every pattern of the rule with one call instead of one per pattern."""


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
    scanner: re.Pattern[str] | None = None
    """Every pattern of the pack in one zero-width look-ahead: one pass finds where any rule
    may match (overlaps included), and only those places are tried rule by rule."""

    def evaluate(
        self, folded_text: str, features: dict[str, float] | None = None
    ) -> IndicatorScore:
        """Apply every rule to lower-cased text and the caller's numeric features."""
        starts = [m.start() for m in self.scanner.finditer(folded_text)] if self.scanner else []
        given = features or {}
        fired = [f for rule in self.rules if (f := _fire(rule, folded_text, starts, given))]
        total = min(1.0, sum(f.weight for f in fired))
        return IndicatorScore(round(total, 4), tuple(fired))


def _scanner(rules: tuple[Rule, ...]) -> re.Pattern[str] | None:
    patterns = [p.pattern for rule in rules for p in rule.patterns]
    if not patterns:
        return None
    return re.compile("(?=" + "|".join(f"(?:{p})" for p in patterns) + ")")


def _alternation(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One pattern for a rule's several: `Rule.any_pattern` (a single pattern needs none)."""
    if len(patterns) < 2:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def _fire(rule: Rule, text: str, starts: list[int], features: dict[str, float]) -> Fired | None:
    evidence: list[str] = []
    if rule.any_pattern is not None and starts:
        starts = [start for start in starts if rule.any_pattern.match(text, start)]
    for pattern in rule.patterns:
        for start in starts:
            match = pattern.match(text, start)
            if match is not None:
                evidence.append(match.group(0).strip())
    if rule.condition is not None and rule.condition.holds(features):
        evidence.append(f"{rule.condition.feature} = {features[rule.condition.feature]:g}")
    if not evidence:
        return None
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
            any_pattern=_alternation(patterns),
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
