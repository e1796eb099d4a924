"""Decoding what posters hide: phones however written, e-mails, handles, prices, ages, cities."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctip.matching.normalize import phone_e164
from ctip.networks.extract import (
    _STRONG_WORDS,
    _WEAK_WORDS,
    HANDLE,
    PHONE_RUN,
    PRICE,
    SPECIAL,
    US_CITIES,
    Found,
    _may_hold_handle,
    city_words,
    digits_e164,
    extract,
    find_cities,
    find_handles,
    find_prices,
    find_specials,
    fold,
    phone_runs,
    us_national_e164,
)
from ctip.networks.synthetic import generate

WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
KEYCAP = "\ufe0f\u20e3"


@pytest.mark.parametrize(
    "text",
    [
        "call 7one3 5five5 two3four5",
        "(713) 5 5 5-2 3 4 5",
        "\U0001d7d5\U0001d7cf\U0001d7d1 555 2345",  # mathematical bold 7, 1, 3
        "".join(d + KEYCAP for d in "7135552345"),
        "seven one three, five five five, two three four five",
        "text me for 7135552345 now",
        "7I3.555.234S".replace("S", "5"),
        "+1 713 555 2345",
        "".join(chr(0xFF10 + int(d)) for d in "7135552345"),  # full-width digits
    ],
)
def test_hidden_phone_is_read_as_e164(text: str) -> None:
    assert [p.value for p in extract(text).phones] == ["+17135552345"]


def test_prices_and_ages_are_not_read_as_phones() -> None:
    found = extract("$150 hh, 250 roses/hr, 19 yo, age: 21, room 1204")
    assert found.phones == ()
    assert [(p.amount, p.unit) for p in found.prices] == [(150, "half hour"), (250, "hour")]
    assert [a.value for a in found.ages] == ["19", "21"]


def test_two_numbers_in_one_ad_are_both_found() -> None:
    found = extract("call 202-555-0143 or 202 555 0199")
    assert [p.value for p in found.phones] == ["+12025550143", "+12025550199"]


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("write sweet.girl at gmail dot com", "sweet.girl@gmail.com"),
        ("lexi(at)yahoo[.]com", "lexi@yahoo.com"),
        ("Book: Mia [at] Mailbox (dot) example (dot) com", "mia@mailbox.example.com"),
        ("mail: candy@outlook.com", "candy@outlook.com"),
    ],
)
def test_hidden_email_is_read(text: str, email: str) -> None:
    assert [e.value for e in extract(text).emails] == [email]


def test_ordinary_at_is_not_an_email() -> None:
    assert extract("meet me at the hotel, available at night").emails == ()


def test_handles_cities_and_specials() -> None:
    found = extract("IG: sweet_lexi, snap @lexi.99 - new in Las Vegas then Houston. Specials!")
    assert {h.value for h in found.handles} == {"instagram:sweet_lexi", "snapchat:lexi.99"}
    assert {c.value for c in found.cities} == {"las vegas", "houston"}
    assert [s.value for s in found.specials] == ["specials"]
    assert found.features["city_count"] == 2


def test_words_in_ordinary_text_are_not_phones() -> None:
    text = "I have one friend, two sisters and for the weekend I am free. Oh, nine to five."
    assert extract(text).phones == ()


AREA_CODES = ("202", "212", "312", "415", "617", "713", "305", "206")


@st.composite
def us_numbers(draw: st.DrawFn) -> str:
    """Valid US numbers as ten digits."""
    area = draw(st.sampled_from(AREA_CODES))
    exchange = draw(st.integers(200, 999).filter(lambda n: n % 100 != 11))
    line = draw(st.integers(0, 9999))
    digits = f"{area}{exchange}{line:04d}"
    return digits


def _write_digit(digit: str, style: int) -> str:
    if style == 1:
        return WORDS[int(digit)]
    if style == 2:
        return digit + KEYCAP
    if style == 3:
        return chr(0x1D7CE + int(digit))  # mathematical bold digit
    if style == 4:
        return chr(0xFF10 + int(digit))  # full-width digit
    return digit


@st.composite
def hidden_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """(ten digits, the number written with words, emoji, odd digits and separators)."""
    digits = draw(us_numbers())
    parts = []
    for index, digit in enumerate(digits):
        parts.append(_write_digit(digit, draw(st.integers(0, 4))))
        if index < len(digits) - 1:
            parts.append(draw(st.sampled_from(["", " ", "-", ".", " . ", "  ", "/", "_"])))
    return digits, "".join(parts)


@settings(max_examples=200, deadline=None)
@given(hidden_numbers(), st.sampled_from(["call ", "Txt: ", "", "new in town!! "]))
def test_any_hidden_number_decodes_to_its_e164(hidden: tuple[str, str], prefix: str) -> None:
    digits, written = hidden
    expected = phone_e164(digits, "US")
    assert expected is not None
    assert [p.value for p in extract(f"{prefix}{written} ask for Mia").phones] == [expected]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_extraction_never_fails_on_any_text(text: str) -> None:
    found = extract(text)
    assert all(p.value.startswith("+") for p in found.phones)


def test_us_fast_path_agrees_with_a_full_parse() -> None:
    rng = random.Random(7)
    numbers = [f"{rng.randint(2_000_000_000, 9_999_999_999)}" for _ in range(4000)]
    told = 0
    for digits in numbers:
        number = us_national_e164(digits)
        if number is not None:
            told += 1
            assert number == phone_e164(digits, "US")
    assert told > 1000
    # A Canadian number is valid but not told by the US patterns: the full parse reads it.
    assert us_national_e164("9054018132") is None
    assert digits_e164("9054018132") == phone_e164("9054018132", "US") == "+19054018132"


def test_phone_runs_equal_the_run_pattern() -> None:
    rng = random.Random(3)
    pieces = [*"0123456789 -.()/,:@ab\n", "one", "two", "five", "o", "l", "i", "for", "x"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 80))) for _ in range(3000)]
    texts += ["5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5 5\u0663\u0663\u0663 5 5 5 5 5 5 5"]
    units = rf"(?:\d|{_STRONG_WORDS}|{_WEAK_WORDS})"  # as written before factoring
    separator = r"[\s\-.()\[\]/*_|~+,:]{0,4}"
    written = re.compile(rf"(?<![a-z0-9@]){units}(?:{separator}{units}){{6,15}}(?![a-z0-9])")
    for text in texts:
        expected = [m.group(0) for m in written.finditer(text)]
        assert phone_runs(text) == expected == [m.group(0) for m in PHONE_RUN.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "new . york",
        "..new york",
        "new york.",
        "st.louis st. louis. x",
        "a.. b new.. york",
        ". new york",
        "las.vegas las . vegas las .. vegas",
        "café houston, new-york",
    ],
)
def test_city_words_are_the_pattern_words(text: str) -> None:
    assert city_words(text) == [w.strip(".") for w in re.findall(r"[a-z.]+", text)]
    assert find_cities(text) == cities_word_by_word(text)


def cities_word_by_word(folded: str) -> list[Found]:
    """Cities as first defined: every word tried with its next ones."""
    words = [w.strip(".") for w in re.findall(r"[a-z.]+", folded)]
    found: dict[str, Found] = {}
    for i in range(len(words)):
        for size in (3, 2, 1):
            name = " ".join(words[i : i + size])
            if name in {c.replace(".", "") for c in US_CITIES}:
                found.setdefault(name, Found(name, name))
    return list(found.values())


def test_cities_are_found_as_word_by_word() -> None:
    world = generate(ads=800, networks=8, seed=6)
    for row in world.ads:
        text = fold(f"{row['title']}\n{row['body']}")
        assert find_cities(text) == cities_word_by_word(text)


def test_cheap_checks_never_hide_a_match() -> None:
    world = generate(ads=1500, networks=10, seed=4)
    texts = [fold(f"{row['title']}\n{row['body']}") for row in world.ads]
    texts += ["ig: candy_88", "kik=>xo99", "telegram @ bob12", "$80 hh", "90 usd", "2for1", "bogo"]
    for text in texts:
        assert _may_hold_handle(text) or HANDLE.search(text) is None, text
        assert bool(find_prices(text)) == (PRICE.search(text) is not None), text
        assert bool(find_specials(text)) == (SPECIAL.search(text) is not None), text
    assert [h.value for h in find_handles("ig: candy_88")] == ["instagram:candy_88"]
