"""Companies, organisations and vessels: compared by whole name, weighted by how rare each word is.

A person's name splits into given name and surname; a company's does not. "Xinjiang Daqo New
Energy Co. Ltd" and "Xinjiang East Hope Nonferrous Metals Co. Ltd" share a place word and a
legal form, which says almost nothing: four UFLPA companies once became one cluster that way.
So a company name is read as a bag of words: legal forms (rigour's org types: "Co. Ltd",
"GmbH & Co KG", "OOO", "Aktiengesellschaft") are taken out, each remaining word counts by its
rarity among the records (inverse document frequency), a word that names a place in any
record's address or city counts little, and typos, joined words and initialisms still agree.

Scoring is a Fellegi-Sunter sum of log2 weights, the same form as the person model's, so an
organisation link carries the same kind of explanation (a prior and one weight per field).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz
from rigour.names.org_types import extract_org_types, remove_org_types

from ctip.resolve.engine import Evidence, ScoredPair
from ctip.resolve.records import ResolveRecord

MODEL_KIND = "organisation"
MODEL_VERSION = 1
_SPLIT = re.compile(r"[^a-z0-9]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "at",
        "in",
        "on",
        "by",
        "to",
        "de",
        "del",
        "della",
        "des",
        "du",
        "la",
        "le",
        "les",
        "los",
        "las",
        "el",
        "et",
        "y",
        "e",
        "und",
        "der",
        "die",
        "das",
        "van",
        "von",
        "ve",
        "i",
    ]
)
GENERIC_WORDS = frozenset(
    [
        "co",
        "company",
        "cos",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "plc",
        "group",
        "holding",
        "holdings",
        "international",
        "intl",
        "trading",
        "trade",
        "enterprise",
        "enterprises",
        "industries",
        "industry",
        "industrial",
        "services",
        "service",
        "business",
        "businesses",
        "global",
        "partners",
        "associates",
        "sa",
        "srl",
        "gmbh",
        "ag",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "ooo",
        "zao",
        "oao",
        "pjsc",
        "jsc",
        "llp",
        "lp",
        "pte",
        "pty",
        "sdn",
        "bhd",
        "kk",
    ]
)
LEGAL_FORM_WORDS = frozenset(
    str.split(
        "co company cos corp corporation inc incorporated ltd limited llc plc gmbh ag sa srl "
        "bv nv oy ab ooo zao oao pjsc jsc llp lp pte pty sdn bhd kk fze fzco spa sas sarl "
        "gesellschaft mit beschrankter haftung sociedad anonima spolka zoo ograniczona "
        "odpowiedzialnoscia aktiengesellschaft societe anonyme limitada ltda sp oo"
    )
)
ABBREVIATIONS = {
    "intl": "international",
    "int": "international",
    "mfg": "manufacturing",
    "manuf": "manufacturing",
    "ind": "industrial",
    "inds": "industries",
    "trdg": "trading",
    "tech": "technology",
    "eng": "engineering",
    "svcs": "services",
    "grp": "group",
    "hldgs": "holdings",
    "natl": "national",
    "assoc": "associates",
    "bros": "brothers",
    "dev": "development",
    "mgmt": "management",
    "&": "and",
}
GENERIC_RARITY = 0.15
PLACE_RARITY = 0.3
PLACE_EVIDENCE = 2
PLACE_DIFFERS = -4.0
FUZZY_WORD = 80.0
DIFFERENT_NUMBERS = 0.5  # names that differ in a number are at most "sharing some words"
ABBREVIATED = 85.0  # "deli" for "delicatessen": a word cut short still agrees
MIN_FUZZY_LENGTH = 4
BLOCK_PREFIX = 4
PRIOR_WEIGHT = -13.0
NAME_LEVELS = (
    (0.97, 17.0, "the same name"),
    (0.85, 16.5, "names agree on all but a minor word or letter"),
    (0.8, 12.0, "names agree on their rare words"),
    (0.65, 6.0, "names share most of their rare words"),
    (0.5, 0.0, "names share some words"),
    (0.0, -8.0, "different names"),
)
FIELD_WEIGHTS = {
    "id_number": (12.0, -6.0),
    "phone": (10.0, -1.0),
    "email": (10.0, -1.0),
    "postcode": (3.0, -1.5),
    "city": (1.5, -1.0),
}
ADDRESS_WEIGHTS = (3.0, -1.5)
ADDRESS_AGREES = 90.0
ADDRESS_DIFFERS = 60.0


def looks_like_organisation(record: ResolveRecord) -> bool:
    """A name carrying a legal form ("ltd", "gmbh", "llc") or a generic company word, on a
    record without a birth date.

    A birth date is a person's: people whose names hold a legal form's letters as a word
    ("Usno Sapa", "Xekoda Sau", "Psu Zonoin": S.p.A., S.A.U., PSU) stay people, compared by
    name parts with the others.
    """
    if not record.name or record.birth_date:
        return False
    if extract_org_types(record.name):
        return True
    return any(word in GENERIC_WORDS for word in _SPLIT.split(record.name))


def name_words(name: str | None) -> tuple[str, ...]:
    """The words of a company name that can tell it apart: legal forms and stop words out.

    A name that is nothing but a legal form ("OOO") keeps its words rather than vanish.
    """
    if not name:
        return ()
    text = _join_letters(name.lower())
    stripped = remove_org_types(text)
    words = tuple(
        ABBREVIATIONS.get(w, w)
        for w in _SPLIT.split(stripped)
        if (len(w) > 1 or w.isdigit()) and w not in STOPWORDS and w not in LEGAL_FORM_WORDS
    )
    if words:
        return words
    return tuple(w for w in _SPLIT.split(text) if w)


def _join_letters(text: str) -> str:
    """Initials written apart ("f z e", "l.l.c.") joined into one word ("fze", "llc"), and
    a possessive's "s" back on its word ("art s" -> "arts")."""
    words: list[str] = []
    letters = ""
    for word in _SPLIT.split(text):
        if word == "s" and words and not letters:  # a possessive: "art's" folds to "art s"
            words[-1] += "s"
            continue
        if len(word) == 1 and word.isalpha():
            letters += word
            continue
        if letters:
            words.append(letters)
            letters = ""
        if word:
            words.append(word)
    if letters:
        words.append(letters)
    return " ".join(words)


@dataclass(frozen=True)
class Rarity:
    """How much each word says about identity, learnt from the records being resolved."""

    weights: dict[str, float]
    default: float
    places: frozenset[str] = frozenset()

    def of(self, word: str) -> float:
        """A word's weight: its inverse document frequency, less for generic and place words."""
        return self.weights.get(word, self.default)


def place_words(records: Sequence[ResolveRecord]) -> set[str]:
    """Words that name places: every word of a city, and an address word that at least
    PLACE_EVIDENCE records carry in their address but not in their own name (a street
    named after the company is not a place word; "xinjiang" in "Aksu, Xinjiang" is)."""
    places: set[str] = set()
    elsewhere: Counter[str] = Counter()
    for record in records:
        places.update(w for w in _SPLIT.split(record.city or "") if w)
        own = set(name_words(record.name))
        elsewhere.update({w for w in _SPLIT.split(record.address or "") if w and w not in own})
    places.update(w for w, n in elsewhere.items() if n >= PLACE_EVIDENCE and not w.isdigit())
    return places


def learn_rarity(records: Sequence[ResolveRecord]) -> Rarity:
    """Inverse document frequency of each name word; generic and place words discounted."""
    counts: Counter[str] = Counter()
    places = place_words(records)
    for record in records:
        counts.update(set(name_words(record.name)))
    total = len(records) + 1
    weights: dict[str, float] = {}
    for word, count in counts.items():
        weight = math.log(total / count) + 1.0
        if word in GENERIC_WORDS:
            weight *= GENERIC_RARITY
        elif word in places or word.isdigit():
            weight *= PLACE_RARITY
        weights[word] = weight
    return Rarity(weights, math.log(total) + 1.0, frozenset(places))


def _word_agreement(word: str, others: Sequence[str]) -> tuple[float, int]:
    """How well a word is matched by the best of the others (1.0 the same; typos less)."""
    best, where = 0.0, -1
    for index, other in enumerate(others):
        if word == other:
            return 1.0, index
        if min(len(word), len(other)) >= MIN_FUZZY_LENGTH:
            short, long = sorted((word, other), key=len)
            score = ABBREVIATED if long.startswith(short) else fuzz.ratio(word, other)
            if score >= FUZZY_WORD and score / 100 > best:
                best, where = score / 100, index
    return best, where


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w not in GENERIC_WORDS)


def name_similarity(left: Sequence[str], right: Sequence[str], rarity: Rarity) -> float:
    """Rarity-weighted agreement of two names' words (0 to 1), in any word order.

    Each word finds its best partner on the other side; agreeing weight over total weight
    (a Dice coefficient) means a shared rare word counts much, a shared "xinjiang" or "ltd"
    little, and an unmatched rare word pulls the score down.
    """
    if not left or not right:
        return 0.0
    if "".join(left) == "".join(right):
        return 1.0
    numbers = ({w for w in left if w.isdigit()}, {w for w in right if w.isdigit()})
    if all(numbers) and numbers[0] != numbers[1]:  # "No. 4" and "No. 5", "Customer 2" and 5
        return min(DIFFERENT_NUMBERS, _weighted_agreement(left, right, rarity))
    return _weighted_agreement(left, right, rarity)


def _weighted_agreement(left: Sequence[str], right: Sequence[str], rarity: Rarity) -> float:
    """Each word's best partner on the other side, weighted by rarity (a Dice coefficient)."""
    if _is_initialism(left, right) or _is_initialism(right, left):
        return 0.9
    remaining = list(right)
    agreed = 0.0
    for word in left:
        score, where = _word_agreement(word, remaining)
        if where >= 0:
            agreed += score * (rarity.of(word) + rarity.of(remaining[where]))
            remaining.pop(where)
    total = sum(rarity.of(w) for w in left) + sum(rarity.of(w) for w in right)
    return agreed / total if total else 0.0


def _is_initialism(short: Sequence[str], long: Sequence[str]) -> bool:
    """ "ibm" for "international business machines" (three or more initials)."""
    initials = _initials(long)
    return len(short) == 1 and len(initials) >= 3 and short[0] == initials


def _place_evidence(left: Sequence[str], right: Sequence[str], rarity: Rarity) -> Evidence | None:
    """Both names carry a place word, and they share none: two branches or two companies."""
    a = {w for w in left if w in rarity.places}
    b = {w for w in right if w in rarity.places}
    if not a or not b or a & b:
        return None
    return Evidence(
        "place",
        "the names name different places",
        PLACE_DIFFERS,
        " ".join(sorted(a)),
        " ".join(sorted(b)),
    )


def _name_evidence(left: ResolveRecord, right: ResolveRecord, rarity: Rarity) -> Evidence:
    similarity = name_similarity(name_words(left.name), name_words(right.name), rarity)
    for floor, weight, label in NAME_LEVELS:
        if similarity >= floor:
            return Evidence("name", f"{label} ({similarity:.2f})", weight, left.name, right.name)
    raise AssertionError("the last name level has floor 0")  # pragma: no cover


def _field_evidence(field: str, left: ResolveRecord, right: ResolveRecord) -> Evidence | None:
    a, b = getattr(left, field), getattr(right, field)
    if not a or not b:
        return None
    agree, differ = FIELD_WEIGHTS[field]
    if a == b:
        return Evidence(field, "the same", agree, a, b)
    return Evidence(field, "different", differ, a, b)


def _address_evidence(left: ResolveRecord, right: ResolveRecord) -> Evidence | None:
    a, b = left.address, right.address
    if not a or not b:
        return None
    score = fuzz.token_set_ratio(a, b)
    agree, differ = ADDRESS_WEIGHTS
    if score >= ADDRESS_AGREES:
        return Evidence("address", "the same address, words in any order", agree, a, b)
    if score < ADDRESS_DIFFERS:
        return Evidence("address", "different addresses", differ, a, b)
    return Evidence("address", "addresses partly agree", 0.0, a, b)


def score_pair(left: ResolveRecord, right: ResolveRecord, rarity: Rarity) -> ScoredPair:
    """One pair's weight of evidence, field by field, as a probability with its reasons."""
    prior = Evidence("prior", "two random organisations rarely match", PRIOR_WEIGHT, None, None)
    evidence = [prior]
    evidence.append(_name_evidence(left, right, rarity))
    place = _place_evidence(name_words(left.name), name_words(right.name), rarity)
    if place is not None:
        evidence.append(place)
    for field in FIELD_WEIGHTS:
        found = _field_evidence(field, left, right)
        if found is not None:
            evidence.append(found)
    address = _address_evidence(left, right)
    if address is not None:
        evidence.append(address)
    weight = sum(e.match_weight for e in evidence)
    probability = 1.0 / (1.0 + 2.0 ** (-weight))
    low, high = sorted((left.id, right.id))
    return ScoredPair(low, high, probability, weight, tuple(evidence))


def _block_keys(record: ResolveRecord, rarity: Rarity) -> Iterator[str]:
    """Keys that bring candidate pairs together: a distinctive word or its first letters,
    the name with its words joined, or a shared phone, e-mail or identifier."""
    words = name_words(record.name)
    if words:
        yield "joined:" + "".join(sorted(words))
    for word in words:
        if word in GENERIC_WORDS:
            continue
        yield "word:" + word
        if len(word) > BLOCK_PREFIX:
            yield "prefix:" + word[:BLOCK_PREFIX]
    if len(words) > 1 and len(_initials(words)) >= 3:
        yield "word:" + _initials(words)
    for field in ("phone", "email", "id_number"):
        value = getattr(record, field)
        if value:
            yield f"{field}:{value}"


def candidate_pairs(
    records: Sequence[ResolveRecord], rarity: Rarity, max_block: int
) -> Iterator[tuple[int, int]]:
    """Index pairs sharing a key; a key held by more than `max_block` records (a common word)
    is too weak to compare on by itself and is skipped."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for key in set(_block_keys(record, rarity)):
            blocks[key].append(index)
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2 or len(members) > max_block:
            continue
        for pair in combinations(members, 2):
            if pair not in seen:
                seen.add(pair)
                yield pair


def max_block_size(record_count: int) -> int:
    """Largest block compared: enough for a word shared by many branches of one company."""
    return max(20, min(100, int(math.sqrt(record_count))))


def score_organisations(
    records: Sequence[ResolveRecord], threshold: float
) -> tuple[list[ScoredPair], dict[str, Any]]:
    """Scored pairs at or above the threshold, and the model that scored them (as data)."""
    rarity = learn_rarity(records)
    pairs = []
    for i, j in candidate_pairs(records, rarity, max_block_size(len(records))):
        pair = score_pair(records[i], records[j], rarity)
        if pair.match_probability >= threshold:
            pairs.append(pair)
    return pairs, model_description(len(records))


def model_description(record_count: int) -> dict[str, Any]:
    """What scored the organisations, saved with the run (weights are fixed, not trained)."""
    return {
        "kind": MODEL_KIND,
        "version": MODEL_VERSION,
        "records": record_count,
        "prior_weight": PRIOR_WEIGHT,
        "name_levels": [list(level) for level in NAME_LEVELS],
        "field_weights": {k: list(v) for k, v in FIELD_WEIGHTS.items()},
        "address_weights": list(ADDRESS_WEIGHTS),
        "generic_rarity": GENERIC_RARITY,
        "place_rarity": PLACE_RARITY,
    }


def split_by_kind(
    records: Iterable[ResolveRecord],
) -> tuple[list[ResolveRecord], list[ResolveRecord]]:
    """People and organisations apart (a person is never resolved with a company)."""
    people: list[ResolveRecord] = []
    organisations: list[ResolveRecord] = []
    for record in records:
        (organisations if looks_like_organisation(record) else people).append(record)
    return people, organisations
