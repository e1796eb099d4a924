"""Deadline rules are data checked on load: nothing is silently read as calendar days."""

from __future__ import annotations

from datetime import date

import pytest

from ctip.model.calendar import Unit
from ctip.model.deadlines import InvalidRules, load_rules

NOTICE = """
- id: notice
  label: Notice to the importer
  counts_from: opened
  amount: 5
  unit: working_days
  stopped_by: [notice_sent]
  citation: "19 CFR 151.16(c)"
"""


def test_a_rule_is_read_with_its_unit_and_computes_its_due_day() -> None:
    (rule,) = load_rules(NOTICE, "rules.yaml")
    assert (rule.id, rule.counts_from, rule.amount, rule.unit) == (
        "notice",
        "opened",
        5,
        Unit.WORKING_DAYS,
    )
    assert rule.stopped_by == ("notice_sent",) and rule.consequence == ""
    assert rule.due(date(2026, 11, 25)) == date(2026, 12, 3)  # Thanksgiving skipped


def test_an_unknown_unit_is_refused_naming_the_rule() -> None:
    with pytest.raises(InvalidRules, match="rule notice: unknown unit 'business'") as caught:
        load_rules(NOTICE.replace("working_days", "business"), "rules.yaml")
    assert caught.value.details == [
        {
            "rule": "notice",
            "reason": "unknown unit 'business' (use one of calendar_days, working_days, "
            "calendar_months, years)",
        }
    ]


@pytest.mark.parametrize("field", ["counts_from", "amount", "unit", "citation", "label"])
def test_a_missing_field_is_refused_naming_the_rule_and_field(field: str) -> None:
    text = "\n".join(line for line in NOTICE.splitlines() if not line.strip().startswith(field))
    with pytest.raises(InvalidRules, match=f"rules.yaml: rule notice: missing field '{field}'"):
        load_rules(text, "rules.yaml")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("amount: 5", "amount: five"), "amount 'five' is not a whole number"),
        (("amount: 5", "amount: 0"), "amount 0 must be positive"),
        (("amount: 5", "amount: true"), "amount True is not a whole number"),
        (("  unit:", "  days: 5\n  unit:"), "unknown field 'days'"),
        (("[notice_sent]", "notice_sent"), "stopped_by must be a list of event names"),
    ],
)
def test_bad_values_and_unknown_fields_are_refused(change: tuple[str, str], reason: str) -> None:
    with pytest.raises(InvalidRules) as caught:
        load_rules(NOTICE.replace(*change), "rules.yaml")
    assert {"rule": "notice", "reason": reason} in caught.value.details


def test_the_whole_file_is_refused_when_one_rule_is_wrong_and_every_problem_is_listed() -> None:
    second = NOTICE.replace("id: notice", "id: decision").replace("working_days", "weeks")
    third = NOTICE.replace("id: notice", "id: third").replace("  citation:", "  cite:")
    with pytest.raises(InvalidRules) as caught:
        load_rules(NOTICE + second + third, "rules.yaml")
    rules = [d["rule"] for d in caught.value.details]
    assert rules == ["decision", "third", "third"]


def test_duplicate_ids_and_non_lists_are_refused() -> None:
    with pytest.raises(InvalidRules, match="rule notice: the id is used twice"):
        load_rules(NOTICE + NOTICE, "rules.yaml")
    with pytest.raises(InvalidRules, match="expected a list"):
        load_rules("id: notice", "rules.yaml")
    with pytest.raises(InvalidRules, match="not YAML"):
        load_rules("- [unclosed", "rules.yaml")
    with pytest.raises(InvalidRules, match="rule #1: expected a mapping"):
        load_rules("- just text", "rules.yaml")
