"""Evidence beyond the name: country, birth date, address and identifiers.

Each function compares one field of a query with the same field of a list entry and
returns a value in [-1, 1] (1 agrees, -1 conflicts, in between partial) with the
evidence, or None when one side does not have the field: a missing value is no
evidence either way. Partial values count: a year of birth against a full date, a
date one digit off (a typing error), an address that names the same town.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from followthemoney.types import registry
from rapidfuzz.distance import Levenshtein

from ctip.matching.normalize import identifier_key, name_tokens

_DATE: Final = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(frozen=True)
class FieldEvidence:
    """One field's verdict: value in [-1, 1] and what it rests on."""

    value: float
    evidence: str


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """An ISO country code from a code or a country name ("China", "CN", "cn")."""
    cleaned = registry.country.clean(value.strip())
    return cleaned.lower() if cleaned else None


def _keys(values: tuple[str, ...], key: Callable[[str], str | None]) -> set[str]:
    """The comparable keys of a record's values, unreadable ones left out."""
    return {k for k in map(key, values) if k}


def compare_countries(query: tuple[str, ...], listed: tuple[str, ...]) -> FieldEvidence | None:
    """Countries agree when any pair is the same country; conflict when none is."""
    left, right = _keys(query, country_code), _keys(listed, country_code)
    if not left or not right:
        return None
    shared = left & right
    if shared:
        return FieldEvidence(1.0, f"Country agrees: {_countries(shared)} on both.")
    return FieldEvidence(-1.0, f"Countries differ: {_countries(left)}, listed {_countries(right)}.")


def _countries(codes: set[str]) -> str:
    """'China (CN), Viet Nam (VN)': names people read, codes people can check."""
    return ", ".join(f"{registry.country.caption(c)} ({c.upper()})" for c in sorted(codes))


def parse_date(value: str) -> tuple[str, str | None, str | None] | None:
    """Year, month and day of an ISO-like date, as far as they are known."""
    found = _DATE.match(value.strip())
    if found is None:
        return None
    year, month, day = found.groups()
    return year, month.zfill(2) if month else None, day.zfill(2) if day else None


def compare_date_pair(query: str, listed: str) -> FieldEvidence | None:
    """One query date against one listed date, at the precision both have.

    Full agreement is 1; a year against a full date in that year is 0.6; two full
    dates one keystroke apart (one digit, swapped digits, day and month swapped) are
    0.4; a year one off is -0.5; anything else conflicts.
    """
    left, right = parse_date(query), parse_date(listed)
    if left is None or right is None:
        return None
    if left == right:
        return FieldEvidence(1.0, f"Birth date {query} agrees.")
    if left[0] == right[0]:
        return _same_year(left, right, query, listed)
    if left[1:] == right[1:] and _one_keystroke(left[0], right[0]):
        return FieldEvidence(
            0.3, f"Birth date {query}, listed {listed}: the year is one digit off."
        )
    if abs(int(left[0]) - int(right[0])) == 1:
        return FieldEvidence(-0.5, f"Birth years differ: {left[0]}, listed {right[0]}.")
    return FieldEvidence(-1.0, f"Birth dates differ: {query}, listed {listed}.")


def _same_year(
    left: tuple[str, str | None, str | None],
    right: tuple[str, str | None, str | None],
    query: str,
    listed: str,
) -> FieldEvidence:
    """Dates in the same year: partial agreement unless month or day clearly differ."""
    partial = FieldEvidence(0.6, f"Birth year {left[0]} agrees ({query}, listed {listed}).")
    if left[1] is None or right[1] is None:
        return partial
    if left[2] is None or right[2] is None:
        return (
            partial
            if left[1] == right[1]
            else FieldEvidence(-0.6, f"Birth months differ: {query}, listed {listed}.")
        )
    full_left, full_right = "".join(map(str, left)), "".join(map(str, right))
    if _one_keystroke(full_left, full_right) or (left[1], left[2]) == (right[2], right[1]):
        return FieldEvidence(0.4, f"Birth date {query}, listed {listed}: one digit off.")
    return FieldEvidence(-0.6, f"Birth dates differ: {query}, listed {listed} (same year).")


def _one_keystroke(left: str, right: str) -> bool:
    """Same length and one substitution or one transposition apart (a typing error)."""
    if len(left) != len(right):
        return False
    diffs = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
    if len(diffs) == 1:
        return True
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and left[diffs[0]] == right[diffs[1]]


def compare_birth_dates(query: tuple[str, ...], listed: tuple[str, ...]) -> FieldEvidence | None:
    """The best agreement between any query date and any listed date."""
    found = [compare_date_pair(q, r) for q in query for r in listed]
    evidence = [f for f in found if f is not None]
    return max(evidence, key=lambda f: f.value) if evidence else None


def address_overlap(query: str, listed: str) -> float:
    """Share of the shorter address's words found in the other (any script, pinyin)."""
    left, right = set(name_tokens(query)), set(name_tokens(listed))
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def compare_addresses(query: tuple[str, ...], listed: tuple[str, ...]) -> FieldEvidence | None:
    """Addresses agree by the words they share; none shared is a (mild) conflict,
    since a listed party may have sites the list does not name."""
    pairs = [(address_overlap(q, r), q, r) for q in query for r in listed]
    if not pairs:
        return None
    overlap, left, right = max(pairs)
    if overlap >= 0.2:
        share = f"Address {left!r} and the listed {right!r} share {overlap:.0%} of their words."
        return FieldEvidence(round(overlap, 2), share)
    return FieldEvidence(-0.5, f"Address {left!r} shares no word with the listed {right!r}.")


def compare_identifiers(query: tuple[str, ...], listed: tuple[str, ...]) -> FieldEvidence | None:
    """Identifiers (registration, tax, IMO numbers) agree exactly or nearly (one typo)."""
    left, right = _keys(query, identifier_key), _keys(listed, identifier_key)
    if not left or not right:
        return None
    shared = left & right
    if shared:
        return FieldEvidence(1.0, f"Identifier {sorted(shared)[0]} is on both.")
    near = [(a, b) for a in left for b in right if len(a) >= 6 and Levenshtein.distance(a, b) == 1]
    if near:
        a, b = near[0]
        return FieldEvidence(0.5, f"Identifier {a}, listed {b}: one character off.")
    ours, theirs = ", ".join(sorted(left)), ", ".join(sorted(right))
    return FieldEvidence(-1.0, f"Identifiers differ: {ours}, listed {theirs}.")
