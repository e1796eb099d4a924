"""Deadline rules as validated data: what a legal period counts from, how long it is, in
which unit, and the law that sets it.

An area declares its rules in YAML (the trade area's detention clocks, later relief requests
and case dispositions). They are checked when loaded: a missing field, an unknown field or an
unknown unit is refused with the rule's id and the field named, because a rule silently read
as calendar days when the law says working days gives an officer the wrong due date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from ctip.model import calendar
from ctip.model.calendar import Unit
from ctip.model.errors import InvalidInput

REQUIRED = ("id", "label", "counts_from", "amount", "unit", "citation")
OPTIONAL = ("stopped_by", "consequence")


class InvalidRules(InvalidInput):
    """A deadline rules file that cannot be trusted; `details` name each rule and field."""


@dataclass(frozen=True)
class DeadlineRule:
    """One legal period: `amount` `unit`s counted from the day of `counts_from`.

    `stopped_by` names the events that meet the deadline (a notice sent, a decision).
    """

    id: str
    label: str
    counts_from: str
    amount: int
    unit: Unit
    citation: str
    stopped_by: tuple[str, ...] = ()
    consequence: str = ""

    def due(self, start: date) -> date:
        """The last day to act when the period starts on `start`."""
        return calendar.add(start, self.amount, self.unit)


def load_rules(text: str, source: str) -> tuple[DeadlineRule, ...]:
    """Read and check a YAML list of rules; `source` names the file in every error."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidRules(f"{source}: not YAML ({error})") from None
    if not isinstance(raw, list):
        raise InvalidRules(f"{source}: expected a list of deadline rules")
    return parse_rules(raw, source)


def parse_rules(raw: Sequence[Any], source: str) -> tuple[DeadlineRule, ...]:
    """Check every rule and refuse the whole set if any is wrong (each problem listed)."""
    rules, problems = [], []
    for index, item in enumerate(raw, start=1):
        found = _rule_problems(item, index)
        if found:
            problems += found
        else:
            rules.append(_rule(item))
    problems += _duplicate_ids(rules)
    if problems:
        first = problems[0]
        raise InvalidRules(f"{source}: rule {first['rule']}: {first['reason']}", problems)
    return tuple(rules)


def _rule_problems(item: Any, index: int) -> list[dict[str, str]]:
    """What is wrong with one rule (empty when it is sound)."""
    if not isinstance(item, Mapping):
        return [{"rule": f"#{index}", "reason": "expected a mapping of fields"}]
    name = str(item.get("id") or f"#{index}")
    reasons = [f"missing field {key!r}" for key in REQUIRED if item.get(key) in (None, "")]
    reasons += [f"unknown field {key!r}" for key in item if key not in (*REQUIRED, *OPTIONAL)]
    reasons += _value_problems(item)
    return [{"rule": name, "reason": reason} for reason in reasons]


def _value_problems(item: Mapping[str, Any]) -> list[str]:
    reasons = []
    unit = item.get("unit")
    if unit not in (None, "") and unit not in {u.value for u in Unit}:
        known = ", ".join(u.value for u in Unit)
        reasons.append(f"unknown unit {unit!r} (use one of {known})")
    amount = item.get("amount")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        reasons.append(f"amount {amount!r} is not a whole number")
    elif isinstance(amount, int) and amount <= 0:
        reasons.append(f"amount {amount} must be positive")
    stopped_by = item.get("stopped_by", [])
    if not isinstance(stopped_by, list) or not all(isinstance(s, str) for s in stopped_by):
        reasons.append("stopped_by must be a list of event names")
    return reasons


def _rule(item: Mapping[str, Any]) -> DeadlineRule:
    return DeadlineRule(
        id=str(item["id"]),
        label=str(item["label"]),
        counts_from=str(item["counts_from"]),
        amount=int(item["amount"]),
        unit=Unit(item["unit"]),
        citation=str(item["citation"]),
        stopped_by=tuple(item.get("stopped_by", [])),
        consequence=str(item.get("consequence", "")),
    )


def _duplicate_ids(rules: Sequence[DeadlineRule]) -> list[dict[str, str]]:
    seen: set[str] = set()
    problems = []
    for rule in rules:
        if rule.id in seen:
            problems.append({"rule": rule.id, "reason": "the id is used twice"})
        seen.add(rule.id)
    return problems
