"""The screening benchmark's generators stop with their maximum instead of looping for
ever when asked for more brands or persons than their vocabulary gives."""

from __future__ import annotations

import random
from itertools import combinations

import pytest
from rigour.text import ascii_text

from benchmarks import screening
from benchmarks.synthetic import WORDS


def test_brand_capacity_is_the_number_of_distinct_pinyin_brands() -> None:
    listed, unlisted = screening.brand_capacity(True), screening.brand_capacity(False)
    assert 60_000 < listed < 70_000 and 60_000 < unlisted < 70_000
    drawn = screening.brands(random.Random(1), 2_000, listed=True)
    assert len({screening.pinyin(b) for b in drawn}) == 2_000


@pytest.mark.parametrize("listed", [True, False])
def test_asking_for_more_brands_than_exist_stops_with_the_maximum(listed: bool) -> None:
    capacity = screening.brand_capacity(listed)
    with pytest.raises(SystemExit, match=f"at most {capacity:,} distinct"):
        screening.brands(random.Random(1), capacity + 1, listed=listed)


def every_listed_namesake_key() -> set[str]:
    """The namesake keys of every person the listed half of the vocabulary can make."""
    keys: set[str] = set()
    for last in combinations(WORDS["latin_last"][0::2], 2):
        surnames = " ".join(sorted(ascii_text(w).lower() for w in last))
        keys.update(f"{ascii_text(first).lower()} {surnames}" for first in WORDS["latin_first"])
    for first in WORDS["cyrillic_first"]:
        keys.update(ascii_text(f"{first} {last}").lower() for last in WORDS["cyrillic_last"][0::2])
    return keys


def test_a_list_with_no_new_person_left_stops_with_the_number_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = every_listed_namesake_key()
    rng = random.Random(3)
    for _ in range(200):  # every draw is a namesake of a listed person
        name, _ = screening.person(rng, listed=True)
        assert screening.namesake_keys(name) <= taken
    monkeypatch.setattr(screening, "PERSON_DRAWS", 500)
    with pytest.raises(SystemExit, match="no new listed person in 500 draws"):
        screening._new_person(rng, taken, [])


def test_a_small_list_still_builds() -> None:
    rng = random.Random(5)
    pool = screening.brands(rng, 300, listed=True)
    entries = screening.build_list(rng, 300, pool)
    assert len(entries) == 300 and len({e.entry_id for e in entries}) == 300
