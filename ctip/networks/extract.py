"""What an ad's text gives away, even when the poster hides it.

Posters write phone numbers so that a plain search misses them: with words ("five five
five"), letters for digits ("O" for 0, "l" for 1), separators ("555 . 2 3 4"), emoji keycaps
("5️⃣") or mathematical digits ("\U0001d7d3"); e-mail addresses with "at" and "dot"; accounts as
"ig: name". Decoding them is what lets two ads that hide the same number meet. Phones are
normalised to E.164 by `phonenumbers` (through `ctip.matching.normalize.phone_e164`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Final

from phonenumbers import PhoneMetadata

from ctip.indicators.literals import alternation
from ctip.matching.normalize import email_key, phone_e164

DEFAULT_REGION: Final = "US"

NUMBER_WORDS: Final[dict[str, str]] = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "won": "1",
    "l": "1",
    "i": "1",
    "two": "2",
    "too": "2",
    "three": "3",
    "four": "4",
    "for": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "ate": "8",
    "nine": "9",
}
"""Words and look-alike letters posters write for digits (lower case)."""

_STRONG_WORDS: Final = "zero|one|two|three|four|five|six|seven|eight|nine"
_WEAK_WORDS: Final = "oh|o|won|l|i|too|for|ate"
_STRONG_SET: Final = frozenset(_STRONG_WORDS.split("|"))
_UNIT: Final = rf"(?:\d|{alternation(f'{_STRONG_WORDS}|{_WEAK_WORDS}'.split('|'))})"
"""A digit, or a word for one (a digit|zero|one|...|ate, factored by first letter)."""
_SEP: Final = r"[\s\-.()\[\]/*_|~+,:]{0,4}"
_RUN: Final = rf"{_UNIT}(?:{_SEP}{_UNIT}){{6,15}}(?![a-z0-9])"
PHONE_RUN: Final = re.compile(rf"(?<![a-z0-9@]){_RUN}")
_RUN_AT_START: Final = re.compile(_RUN)
_RUN_AFTER: Final = re.compile(rf"[^a-z0-9@]({_RUN})")
"""`PHONE_RUN` as "a character it may follow, then the run": opening with a character class
lets the engine skip to such characters (spaces and marks) instead of starting at every
letter. Equal in ASCII text: a run never begins where the one before it ended."""
_UNIT_TOKEN: Final = re.compile(rf"\d|{_STRONG_WORDS}|{_WEAK_WORDS}")
MIN_REAL_DIGITS: Final = 4
"""A run must hold at least this many digits or spelled digits, not only look-alike letters."""

_AT: Final = r"(?:\s*@\s*|\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|\s+at\s+)"
_DOT: Final = r"(?:\.|\s*[\(\[\{<]\s*(?:dot|\.)\s*[\)\]\}>]\s*|\s+dot\s+)"
_TLDS: Final = "com|net|org|io|co|me|us|info|biz|email|mail|xyz|ru|uk|de|ca|mx"
EMAIL: Final = re.compile(
    rf"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]{{0,63}}){_AT}"
    rf"((?:[a-z0-9-]{{1,63}}{_DOT}){{1,3}}(?:{_TLDS}))(?![a-z0-9])"
)
_DOT_SPLIT: Final = re.compile(_DOT)

PLATFORMS: Final[dict[str, str]] = {
    "ig": "instagram",
    "insta": "instagram",
    "instagram": "instagram",
    "snap": "snapchat",
    "snapchat": "snapchat",
    "kik": "kik",
    "telegram": "telegram",
    "tg": "telegram",
    "twitter": "twitter",
    "whatsapp": "whatsapp",
    "onlyfans": "onlyfans",
}
HANDLE: Final = re.compile(
    r"(?<![a-z0-9])(" + "|".join(sorted(PLATFORMS, key=len, reverse=True)) + r")"
    r"\s*(?:[:\-=>@]|\bis\s*@)\s*@?([a-z][a-z0-9_.]{2,29})(?![a-z0-9_])"
)
_HANDLE_STOPWORDS: Final = frozenset({"the", "and", "for", "you", "call", "text", "only", "me"})
_HANDLE_SEPARATORS: Final = ":-=>@"
"""What stands between a platform and a handle in `HANDLE` ("is @" holds an '@')."""
_PLATFORM_HINTS: Final = tuple(p for p in PLATFORMS if not any(q in p for q in PLATFORMS if q != p))
"""Platform names none of which holds another: every platform name holds one of them."""

_UNITS: Final = r"(qv|quick\s*visit|hhr|hh|half\s*hour|hr|hour|h|overnight|ovn|night)"
PRICE: Final = re.compile(
    r"(?:\$\s*(\d{2,4})|(\d{2,4})\s*(?:\$|roses?|dollars|usd|donation))"
    rf"(?:\s*(?:/|per|a|for|each)?\s*{_UNITS}(?![a-z]))?"
)
_PRICE_HINTS: Final = ("$", "rose", "dollars", "usd", "donation")
"""A `PRICE` match holds one of these: checked first, since most ads hold none."""
SPECIAL: Final = re.compile(r"\b(specials?|discount|deal|cheap|half\s*off|2\s*for\s*1|bogo)\b")
_SPECIAL_HINTS: Final = ("special", "discount", "deal", "cheap", "half", "bogo")
_TWO_FOR: Final = re.compile(r"2\s*for")
"""A `SPECIAL` match holds one of the hints or this: checked first, since most ads don't."""
AGE: Final = re.compile(r"(\d\d)\s*(?:yo|y/o|y\.o\.?|yrs?|years?(?:\s*old)?)(?![a-z])")
AGE_STATED: Final = re.compile(r"age\s*[:=]?\s*(\d\d)(?!\d)")

US_CITIES: Final[tuple[str, ...]] = (
    "new york", "los angeles", "chicago", "houston", "phoenix", "philadelphia",
    "san antonio", "san diego", "dallas", "san jose", "austin", "jacksonville",
    "fort worth", "columbus", "charlotte", "indianapolis", "san francisco", "seattle",
    "denver", "washington", "nashville", "oklahoma city", "el paso", "boston", "portland",
    "las vegas", "detroit", "memphis", "louisville", "baltimore", "milwaukee", "albuquerque",
    "tucson", "fresno", "sacramento", "kansas city", "mesa", "atlanta", "omaha",
    "colorado springs", "raleigh", "miami", "long beach", "virginia beach", "oakland",
    "minneapolis", "tulsa", "tampa", "arlington", "new orleans", "wichita", "cleveland",
    "bakersfield", "aurora", "anaheim", "honolulu", "santa ana", "riverside",
    "corpus christi", "lexington", "st. louis", "pittsburgh", "anchorage", "stockton",
    "cincinnati", "st. paul", "toledo", "greensboro", "newark", "plano", "henderson",
    "lincoln", "buffalo", "jersey city", "orlando", "fort lauderdale", "reno", "salt lake city",
    "richmond", "birmingham", "des moines", "little rock", "boise", "savannah", "atlantic city",
)  # fmt: skip
"""US cities a poster names; an excerpt written for ctip (place names are facts)."""
_CITY_SET: Final = frozenset(c.replace(".", "") for c in US_CITIES)


def _city_starts() -> dict[str, tuple[int, ...]]:
    """First word of each city name -> the word counts of the names it starts, longest first."""
    starts: dict[str, set[int]] = {}
    for city in _CITY_SET:
        starts.setdefault(city.split()[0], set()).add(len(city.split()))
    return {word: tuple(sorted(sizes, reverse=True)) for word, sizes in starts.items()}


_CITY_STARTS: Final = _city_starts()
_CITY_WORD: Final = re.compile(r"[a-z.]+")
_START_WORDS: Final = alternation(sorted(_CITY_STARTS))
_CITY_START: Final = re.compile(rf"[^a-z.](\.*(?:{_START_WORDS})\.*)(?![a-z.])")
"""A word (a run of letters and dots) that starts a city name, after the character before
it: opening with a character class lets the engine skip from separator to separator.
Words are `_CITY_WORD`'s; the next word's separator is never inside the word before."""
_CITY_START_FIRST: Final = re.compile(rf"(\.*(?:{_START_WORDS})\.*)(?![a-z.])")
"""The same word at the very beginning of the text."""
_NOT_CITY_CHARACTER: Final = {
    code: " " for code in range(128) if not (chr(code).islower() or chr(code) == ".")
}
"""`str.translate` table making every ASCII character but a-z and '.' a space."""
_DOT_WORD: Final = re.compile(r"\bdot\b")
_AT_BRACKETED: Final = re.compile(r"[\(\[\{<]\s*at\s*[\)\]\}>]")
_AT_SPACED: Final = re.compile(r"\sat\s+[a-z0-9-]+\.[a-z]")


@dataclass(frozen=True)
class Found:
    """One thing found in the text: its normalised value and the words that gave it."""

    value: str
    text: str


@dataclass(frozen=True)
class Price:
    """A price the ad asks: amount in dollars and the unit of time it buys, if stated."""

    amount: int
    unit: str
    text: str


@dataclass(frozen=True)
class Extraction:
    """Everything one ad's text gives away."""

    phones: tuple[Found, ...] = ()
    emails: tuple[Found, ...] = ()
    handles: tuple[Found, ...] = ()
    prices: tuple[Price, ...] = ()
    specials: tuple[Found, ...] = ()
    cities: tuple[Found, ...] = ()
    ages: tuple[Found, ...] = ()
    features: dict[str, float] = field(default_factory=dict)


def fold(text: str) -> str:
    """Lower-cased NFKC text without emoji keycap marks: '\U0001d7d3' and '5️⃣' become '5'.

    NFKC folds mathematical, full-width and circled digits; the keycap sequence is a
    digit followed by U+FE0F and U+20E3, so dropping those two leaves the digit.
    """
    folded = unicodedata.normalize("NFKC", text)
    return folded.replace("\ufe0f", "").replace("\u20e3", "").lower()


def decode_digits(run: str) -> str:
    """The digits a run spells: 'five5 two' -> '552'."""
    return "".join(NUMBER_WORDS.get(token, token) for token in _UNIT_TOKEN.findall(run))


def _is_weak(token: str) -> bool:
    """A look-alike letter or homophone ('o', 'for'), which may be an ordinary word."""
    return not token.isdigit() and token not in _STRONG_SET


def digit_readings(run: str) -> list[str]:
    """The digits of a run, then without leading and trailing ordinary words ('for', 'i')."""
    tokens = _UNIT_TOKEN.findall(run)
    start, end = 0, len(tokens)
    while start < end and _is_weak(tokens[start]):
        start += 1
    while end > start and _is_weak(tokens[end - 1]):
        end -= 1
    readings = [tokens, tokens[start:], tokens[start:end]]
    digits = ["".join(NUMBER_WORDS.get(t, t) for t in reading) for reading in readings]
    return list(dict.fromkeys(digits))


def _real_digit_count(run: str) -> int:
    """Digits and spelled-out digit words, not look-alike letters or homophones."""
    return sum(1 for t in _UNIT_TOKEN.findall(run) if not _is_weak(t))


def phone_candidates(digits: str) -> list[str]:
    """The ways a run of digits may hold a number: whole, first ten, last ten."""
    candidates = [digits]
    if len(digits) > 11:
        candidates += [digits[:10], digits[-10:], digits[:11], digits[-11:]]
    return candidates


def _us_number_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The US national-number patterns of `phonenumbers`' own metadata: (the general shape,
    any valid type of number), for `us_national_e164`."""
    metadata = PhoneMetadata.metadata_for_region("US")
    general = metadata.general_desc if metadata is not None else None
    if general is None or not general.national_number_pattern:
        raise RuntimeError("phonenumbers has no US metadata")
    kinds = [getattr(metadata, name) for name in _NUMBER_TYPES]
    patterns = [
        desc.national_number_pattern
        for desc in kinds
        if desc is not None
        and desc.national_number_pattern
        and (not desc.possible_length or 10 in desc.possible_length)
    ]
    valid = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(general.national_number_pattern), re.compile(valid)


_NUMBER_TYPES: Final = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)
"""The number types `phonenumbers.is_valid_number` tries; a number of any of them is valid."""
_US_GENERAL, _US_VALID = _us_number_patterns()


def us_national_e164(digits: str) -> str | None:
    """E.164 of ten digits that make a valid US number, without a full parse; else None.

    `phone_e164(digits, "US")` gives the same answer for such digits (tests check it over
    many numbers) at a twentieth of the cost: ten digits starting 2-9 carry neither country
    code nor national prefix, and validity is the metadata's patterns, matched here directly.
    None means "not told here", not "invalid": the caller then parses in full.
    """
    if len(digits) == 10 and _US_GENERAL.fullmatch(digits) and _US_VALID.fullmatch(digits):
        return "+1" + digits
    return None


@lru_cache(maxsize=1 << 18)
def digits_e164(digits: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 of a run of digits: a national number of `region`, else an international one.

    Cached: the same numbers recur across a poster's ads, and parsing is the costly step.
    """
    if len(digits) < 10:
        return None
    if region == "US" and (number := us_national_e164(digits)) is not None:
        return number
    return phone_e164(digits, region) or phone_e164("+" + digits)


def _e164(run: str, region: str) -> str | None:
    candidates = [c for digits in digit_readings(run) for c in phone_candidates(digits)]
    for candidate in dict.fromkeys(candidates):
        number = digits_e164(candidate, region)
        if number is not None:
            return number
    return None


def find_phones(folded: str, region: str = DEFAULT_REGION) -> list[Found]:
    """Phone numbers, however written, as E.164 with the words that spelled them."""
    found: dict[str, Found] = {}
    for run in phone_runs(folded):
        number = run_number(run, region)
        if number is not None and number not in found:
            found[number] = Found(number, run.strip())
    return list(found.values())


def phone_runs(folded: str) -> list[str]:
    """Every run of digits and digit words `PHONE_RUN` finds, in order."""
    if not folded.isascii():
        return [match.group(0) for match in PHONE_RUN.finditer(folded)]
    first = _RUN_AT_START.match(folded)
    runs = [] if first is None else [first.group(0)]
    after = _RUN_AFTER.finditer(folded, 0 if first is None else first.end())
    return runs + [match.group(1) for match in after]


@lru_cache(maxsize=1 << 16)
def run_number(run: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 of a digit-like run, or None when it holds too few real digits or no number.

    Cached: a poster repeats the same run, however obfuscated, across many ads.
    """
    if _real_digit_count(run) < MIN_REAL_DIGITS:
        return None
    return _e164(run, region)


def find_emails(folded: str) -> list[Found]:
    """E-mail addresses, including 'name at mail dot com' and 'name(at)mail[.]com'."""
    found: dict[str, Found] = {}
    if not _may_hold_email(folded):
        return []
    for match in EMAIL.finditer(folded):
        domain = ".".join(part for part in _DOT_SPLIT.split(match.group(2)) if part)
        key = email_key(f"{match.group(1)}@{domain}")
        if key is not None and key not in found:
            found[key] = Found(key, match.group(0).strip())
    return list(found.values())


def _may_hold_email(folded: str) -> bool:
    """A cheap test before the costly address pattern: an '@', a 'dot' or a written 'at'.

    Separate searches, each with a fixed first character the engine can skip to, are
    several times faster than one alternation of them.
    """
    if "@" in folded or ("dot" in folded and _DOT_WORD.search(folded) is not None):
        return True
    return _AT_BRACKETED.search(folded) is not None or _AT_SPACED.search(folded) is not None


def _may_hold_handle(folded: str) -> bool:
    """A cheap test before the costly handle pattern: a match needs one of its separators
    and a platform name (most ads have neither)."""
    return any(char in folded for char in _HANDLE_SEPARATORS) and any(
        name in folded for name in _PLATFORM_HINTS
    )


def find_handles(folded: str) -> list[Found]:
    """Social-media accounts named with their platform: 'ig: name' -> 'instagram:name'."""
    found: dict[str, Found] = {}
    if not _may_hold_handle(folded):
        return []
    for match in HANDLE.finditer(folded):
        handle = match.group(2).rstrip(".")
        if handle in _HANDLE_STOPWORDS:
            continue
        value = f"{PLATFORMS[match.group(1)]}:{handle}"
        found.setdefault(value, Found(value, match.group(0).strip()))
    return list(found.values())


def _price_unit(raw: str | None) -> str:
    if not raw:
        return ""
    compact = raw.replace(" ", "")
    if compact in {"qv", "quickvisit"}:
        return "quick visit"
    if compact in {"hh", "hhr", "halfhour"}:
        return "half hour"
    if compact in {"overnight", "ovn", "night"}:
        return "overnight"
    return "hour"


def find_prices(folded: str) -> list[Price]:
    """Prices with the time they buy ('$80 hh', '150 roses/hr')."""
    prices: list[Price] = []
    if not any(hint in folded for hint in _PRICE_HINTS):
        return prices
    for match in PRICE.finditer(folded):
        amount = int(match.group(1) or match.group(2))
        prices.append(Price(amount, _price_unit(match.group(3)), match.group(0).strip()))
    return prices


def find_ages(folded: str) -> list[Found]:
    """Ages the ad claims ('19 yo', 'age: 18'); plausible adult-looking claims only (14-69)."""
    found = []
    matches = [
        m for m in AGE.finditer(folded) if m.start() == 0 or not folded[m.start() - 1].isdigit()
    ]
    if "age" in folded:
        matches += AGE_STATED.finditer(folded)
    for match in matches:
        age = int(match.group(1))
        if 14 <= age <= 69:
            found.append(Found(str(age), match.group(0).strip()))
    return found


def city_words(folded: str) -> list[str]:
    """The words city names are matched on: runs of letters and dots, outer dots dropped.

    In ASCII text (nearly every ad) every other character is made a space and the text
    split, all in C; a sentence's closing dot goes with the space after it, so most texts
    need no per-word strip. Elsewhere the pattern says the same for every script.
    """
    if not folded.isascii():
        return [word.strip(".") for word in _CITY_WORD.findall(folded)]
    text = folded.translate(_NOT_CITY_CHARACTER)
    if " ." not in text and not text.startswith("."):  # no word is dots alone
        text = text.replace(". ", " ")
    words = text.split()
    return [word.strip(".") for word in words] if "." in text else words


def find_cities(folded: str) -> list[Found]:
    """US cities the text names: each word that starts a city name is tried with its next ones.

    The words that start a city name are found by one pattern (`_CITY_START`), so the rest
    of the text is never split into words: only the few words after each start are read.
    """
    found: dict[str, Found] = {}
    first = _CITY_START_FIRST.match(folded)
    starts = [] if first is None else [first]
    starts += _CITY_START.finditer(folded, 0 if first is None else first.end())
    for start in starts:
        word = start.group(1).strip(".")
        sizes = _CITY_STARTS[word]
        following = islice(_CITY_WORD.finditer(folded, start.end()), sizes[0] - 1)
        words = [word] + [match.group(0).strip(".") for match in following]
        for size in sizes:
            name = " ".join(words[:size])
            if name in _CITY_SET:
                found.setdefault(name, Found(name, name))
    return list(found.values())


def find_specials(folded: str) -> list[Found]:
    """Discounts and specials the ad offers ('specials', '2 for 1', 'half off')."""
    if not any(hint in folded for hint in _SPECIAL_HINTS) and _TWO_FOR.search(folded) is None:
        return []
    return _all(SPECIAL, folded)


def _all(pattern: re.Pattern[str], folded: str) -> list[Found]:
    found: dict[str, Found] = {}
    for match in pattern.finditer(folded):
        value = re.sub(r"\s+", " ", match.group(1))
        found.setdefault(value, Found(value, match.group(0)))
    return list(found.values())


def features_of(extraction: Extraction) -> dict[str, float]:
    """Numeric features indicator rules can test ('min_hourly_price', 'youngest_age'...)."""
    hourly = [p.amount for p in extraction.prices if p.unit in {"hour", ""}]
    short = [p.amount for p in extraction.prices if p.unit in {"half hour", "quick visit"}]
    features: dict[str, float] = {
        "phone_count": len(extraction.phones),
        "city_count": len(extraction.cities),
        "special_count": len(extraction.specials),
    }
    if hourly:
        features["min_hourly_price"] = min(hourly)
    if short:
        features["min_short_price"] = min(short)
    if extraction.ages:
        features["youngest_age"] = min(int(a.value) for a in extraction.ages)
    return features


def extract(text: str, region: str = DEFAULT_REGION) -> Extraction:
    """Everything an ad's title and body give away."""
    return extract_folded(fold(text), region)


def extract_folded(folded: str, region: str = DEFAULT_REGION) -> Extraction:
    """Everything a text already folded (`fold`) gives away."""
    found = Extraction(
        phones=tuple(find_phones(folded, region)),
        emails=tuple(find_emails(folded)),
        handles=tuple(find_handles(folded)),
        prices=tuple(find_prices(folded)),
        specials=tuple(find_specials(folded)),
        cities=tuple(find_cities(folded)),
        ages=tuple(find_ages(folded)),
    )
    found.features.update(features_of(found))
    return found
