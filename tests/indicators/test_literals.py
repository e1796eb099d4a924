"""Where patterns can start: the literal prefilter finds exactly what trying every place finds."""

from __future__ import annotations

import random
import re

import pytest

from ctip.indicators.engine import load_pack
from ctip.indicators.literals import LiteralScanner, begins_at_word_boundary, head_literals
from ctip.networks.extract import fold
from ctip.networks.synthetic import generate

ODD_PATTERNS = [
    r"\b(?:she|he) (?:is|will)\b",
    r"girls?\b",  # no \b before: may begin inside a word
    r"(?<![a-z])ig\s*:",  # a look-behind, not \b
    r"[0-9]+ ?roses",  # a class first: no literal, tried everywhere
    r"\b\$\d+",  # \b before a non-word character
    r"\b(?:24|2) ?/ ?7",  # one literal the beginning of another
    r"(?i)\bcash",  # ignoring case: no literal
]
EDGE_TEXTS = [
    "she is he is she will",  # overlapping starts, the text's first place
    "ashe is, xshe is _he is 5he is é he is",  # word characters before the literal
    "girls mygirls girl 24/7 2/7 24 / 7",
    "ig: x big: y 150 roses $80 a$80 CASH cash",
    "",
    "he",
]


def every_place(pattern: re.Pattern[str], text: str) -> list[str]:
    """What the scanner must equal: the pattern tried at every place of the text."""
    found = (pattern.match(text, at) for at in range(len(text) + 1))
    return [match.group(0) for match in found if match is not None]


def test_head_literals_read_fixed_beginnings() -> None:
    assert head_literals(re.compile(r"\b(?:she|he) (?:is|will)\b")) == (
        "he is",
        "he will",
        "she is",
        "she will",
    )
    assert head_literals(re.compile(r"\bmy (?:girls?|ladies)\b")) == ("my girl", "my ladies")
    assert head_literals(re.compile(r"\b(?:24|2) ?/")) == ("2",)  # "24" begins with "2"
    assert head_literals(re.compile(r"[0-9]+ roses")) is None
    assert head_literals(re.compile(r"(?i)cash")) is None
    assert head_literals(re.compile(r"a?b")) is None
    assert begins_at_word_boundary(re.compile(r"\bher\b"))
    assert not begins_at_word_boundary(re.compile(r"(?<![a-z])her"))


def test_scanner_equals_every_place_on_ads_and_edge_cases() -> None:
    patterns = [re.compile(p) for p in ODD_PATTERNS]
    patterns += [p for rule in load_pack("ads").rules for p in rule.patterns]
    scanner = LiteralScanner(patterns)
    world = generate(ads=600, networks=6, seed=5)
    texts = [fold(f"{row['title']}\n{row['body']}") for row in world.ads] + EDGE_TEXTS
    for text in texts:
        found = scanner.matches(text)
        for number, pattern in enumerate(patterns):
            got = [match.group(0) for match in found.get(number, [])]
            assert got == every_place(pattern, text), (pattern.pattern, text)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scanner_equals_every_place_on_random_text(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ["she", "he", " is", " will", "girl", "s", " ", ".", "_", "é", "24", "/", "7"]
    pieces += ["ig", ":", "$", "8", "0", " roses", "cash", "new in town", "leaving", " soon"]
    patterns = [re.compile(p) for p in ODD_PATTERNS]
    patterns += [p for rule in load_pack("ads").rules for p in rule.patterns]
    scanner = LiteralScanner(patterns)
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        found = scanner.matches(text)
        for number, pattern in enumerate(patterns):
            got = [match.group(0) for match in found.get(number, [])]
            assert got == every_place(pattern, text), (pattern.pattern, text)


def test_overlapping_evidence_is_all_kept() -> None:
    text = "leaving town last night so soon"
    score = load_pack("ads").evaluate(fold(text))
    movement = next(f for f in score.fired if f.rule_id == "ads.movement")
    assert movement.evidence[:2] == ("leaving town last night so soon", "last night so soon")
