"""Chinese spelt a character at a time gives exactly what ICU gives the whole string."""

from __future__ import annotations

import csv
import random

from rigour.text import ascii_text

from ctip.matching.latin import ascii_latin, context_characters
from tests.conftest import shared_data

PIECES = [
    *"新疆华孚纺织有限公司重庆沈阳秘鲁藏文乐山长城银行",
    "Textile",
    " ",
    "  ",
    "\u3000",
    "\uff08",  # full-width brackets and comma
    "\uff09",
    "\uff0c",
    "-",
    "123",
    "Иван",
    "ü",
    "\t",
]


def test_icu_context_rules_are_found() -> None:
    assert {"重", "沈"} <= context_characters()


def test_random_mixtures_spell_as_icu_does() -> None:
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choices(PIECES, k=rng.randint(1, 8)))
        assert ascii_latin(text) == ascii_text(text), text


def test_random_chinese_characters_spell_as_icu_does() -> None:
    rng = random.Random(12)
    for _ in range(2000):
        text = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(rng.randint(1, 10)))
        assert ascii_latin(text) == ascii_text(text), text


def test_listed_names_spell_as_icu_does() -> None:
    path = shared_data("name_matching", "name_bench_cases.csv")
    with path.open(encoding="utf-8") as handle:
        names = [n for row in csv.DictReader(handle) for n in (row["name1"], row["name2"])]
    assert any(not n.isascii() for n in names)
    for name in names:
        assert ascii_latin(name) == ascii_text(name), name
