"""A candidate index over list entries, so screening never compares every pair.

CONTRACT (used by screening of plain names and of import entry lines):
`CandidateIndex(entries).candidates(query, limit)` and `screen(queries, entries, threshold)`.

Blocking works on keys of every listed name and alias: its words (transliterated, Chinese
in pinyin syllables and joined syllables), neighbouring words joined (for "Xin Jiang" /
"Xinjiang"), each word's phonetic key (metaphone: "Poutine" / "Putin"), its first and
last four letters (a typo in the middle of a word keeps both), and its forms with one
letter dropped (any one typo in a longer word). Each key weighs by how rare
it is (inverse document frequency), so "Co" and "Trading" bring nothing and "Huafu" brings
a lot; an entry is a candidate when the keys it shares with the query carry enough of the
query's weight. Only candidates are scored by `ctip.matching.scoring.score`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt
from rigour.names import remove_org_types
from rigour.text import metaphone

from ctip.matching import frozen, names
from ctip.matching.latin import ascii_latin
from ctip.matching.scoring import DEFAULT_THRESHOLD, score
from ctip.matching.types import ListEntry, MatchQuery, MatchResult

DEFAULT_LIMIT: Final = 10
MIN_SHARE: Final = 0.3  # share of the query's word weight a candidate must carry
COMMON_KEY_SHARE: Final = 0.02  # keys on more than 2% of entries are checked, not looked up
SCORE_SHARE: Final = 0.55  # candidates below it are scored only when ranked first
BEST_SHARE: Final = 0.45  # ... and not even then below this
AFFIX: Final = 4
# How much credit a word gets by the key it meets: itself, its sound, its ends.
EXACT, PHONETIC, AFFIXED, TYPO = 1.0, 0.8, 0.6, 0.8
_ASCII_ALNUM: Final = re.compile("[a-z0-9]+")
TYPO_MIN: Final = 5  # shorter words are names of their own one letter apart ("Lee"/"Lea")

KEPT_WEIGHTS: Final = 200_000  # words whose weight an index remembers
PROGRESS_EVERY: Final = 5_000  # entries between two progress reports of a build
WordKeys = tuple[tuple[str, float], ...]
Posting = npt.NDArray[np.int32]
Progress = Callable[[int, int], None]  # (entries indexed so far, entries in all)


class Postings(Protocol):
    """Key -> the positions of the entries filed under it (a dict, or the saved arrays)."""

    def get(self, key: str, /) -> Posting | None: ...


def affix_sizes(word: str) -> range:
    """The lengths of a word's ends used as keys: four letters up to six, always two
    short of the word. Several lengths, because "zhang" starts a thousand brands and
    "zhangch" few, and because a typo that adds or drops a letter changes the length."""
    return range(AFFIX, min(AFFIX + 3, len(word) - 1))


KEY_CREDITS: Final = {"w:": EXACT, "p:": PHONETIC, "a:": AFFIXED, "z:": AFFIXED, "d:": TYPO}
"""The credit a meeting on each kind of key earns, by the key's prefix."""


@lru_cache(maxsize=100_000)
def word_keys(word: str) -> WordKeys:
    """The keys of one transliterated word, each with the credit a meeting earns."""
    return tuple((key, KEY_CREDITS[key[:2]]) for key in _word_key_names(word))


def typo_keys(word: str) -> list[str]:
    """The word and its forms with one letter dropped ("guanghceng" and "guangcheng"
    both give "guangceng"): two spellings one keystroke apart (a letter changed,
    dropped, added, or two swapped) always share one, wherever the typo is."""
    if len(word) < TYPO_MIN or word.isdigit():
        return []
    return [f"d:{word}", *(f"d:{word[:i]}{word[i + 1 :]}" for i in range(len(word)))]


@lru_cache(maxsize=20_000)
def written_words(name: str, strip_forms: bool = True) -> tuple[tuple[str, bool], ...]:
    """The name's words in written order, transliterated, company forms left out;
    Chinese runs become one word per syllable (flagged True)."""
    return _spaced_words(names.han_spaced(name) if names.has_han(name) else name, strip_forms)


def _spaced_words(spaced: str, strip_forms: bool) -> tuple[tuple[str, bool], ...]:
    """`written_words` of a name whose Han company forms are spaced off already."""
    stripped = remove_org_types(spaced) if strip_forms else spaced
    words: list[tuple[str, bool]] = []
    for word in (stripped if stripped.strip() else spaced).split():
        is_han = names.has_han(word)
        words.extend((token, is_han) for token in _ascii_parts(word))
    return tuple(words)


def _ascii_parts(word: str) -> list[str]:
    """A written word as Latin tokens in order ("Co.,Ltd" -> co, ltd; 新疆 -> xin, jiang):
    its runs of letters and digits."""
    latin = ascii_latin(word).lower()
    if latin.isascii():  # the rule (letters and digits: str.isalnum) as one regex
        return _ASCII_ALNUM.findall(latin)
    return "".join(c if c.isalnum() else " " for c in latin).split()


def joined_words(words: tuple[tuple[str, bool], ...]) -> list[tuple[int, int, str]]:
    """Neighbouring words written together: pairs, and Chinese syllable triples
    ("xin"+"jiang" -> "xinjiang"), with the span of words each covers."""
    joined = []
    for start in range(len(words) - 1):
        (first, first_han), (second, second_han) = words[start], words[start + 1]
        joined.append((start, start + 2, first + second))
        if first_han and second_han and start + 2 < len(words) and words[start + 2][1]:
            joined.append((start, start + 3, first + second + words[start + 2][0]))
    return joined


@lru_cache(maxsize=20_000)
def query_words(name: str) -> tuple[tuple[str, WordKeys], ...]:
    """Each word of a query name with its keys, joined forms included as keys of every
    word they cover (so "新疆" credits both syllables when a list has "Xinjiang")."""
    words = written_words(name)
    keys = [list(word_keys(w)) for w, _ in words]
    for start, stop, joined in joined_words(words):
        for position in range(start, stop):
            keys[position].append((f"w:{joined}", EXACT))
    return tuple((w, tuple(k)) for (w, _), k in zip(words, keys, strict=True))


def blocking_keys(name: str) -> frozenset[str]:
    """Every key a listed name is filed under.

    Chinese names are also filed with their company form's syllables ("you xian gong
    si"): those syllables are then common keys of little weight, so a query whose
    company form is misspelt ("有公限司", no longer recognised) is not swamped by them.
    """
    return frozenset(_name_keys(name))


@lru_cache(maxsize=1 << 15)
def _word_key_names(word: str) -> tuple[str, ...]:
    """The keys of one word: itself, its sound, its ends, its typo forms (`word_keys`
    gives each its credit; a build needs only the keys).

    A small cache of its own: most words of a large list are on one entry (brands,
    joined words), and a large cache of their keys would grow by gigabytes and miss."""
    keys = [f"w:{word}"]
    if len(word) >= 3 and not word.isdigit():
        keys.append(f"p:{metaphone(word)}")
    for size in affix_sizes(word):
        keys += (f"a:{word[:size]}", f"z:{word[-size:]}")
    keys += typo_keys(word)
    return tuple(keys)


def _name_keys(name: str) -> list[str]:
    """The keys of `blocking_keys`, a key possibly more than once (the build files each
    (key, entry) pair once: a set per name would cost more than the repeats)."""
    if names.has_han(name):  # as written_words(name) + written_words(spaced, False)
        spaced = names.han_spaced(name)
        words = _spaced_words(spaced, True) + _spaced_words(names.han_spaced(spaced), False)
    else:
        words = _spaced_words(name, True)
    keys: list[str] = []
    for word, _ in words:
        keys.extend(_word_key_names(word))
    for _, _, joined in joined_words(words):
        keys.extend(_word_key_names(joined))
    return keys


def _entry_keys(entries: Sequence[ListEntry], progress: Progress | None) -> Iterator[list[str]]:
    """Each entry's blocking keys (of its name and aliases; a key may repeat), in entry order."""
    for position, entry in enumerate(entries):
        if progress is not None and position % PROGRESS_EVERY == 0:
            progress(position, len(entries))
        all_names = entry.all_names
        if len(all_names) == 1:
            yield _name_keys(all_names[0])
        else:
            yield [key for name in all_names for key in _name_keys(name)]


class CandidateIndex:
    """Inverted index from blocking keys to the list entries whose names carry them.

    Ranking keeps one credit per entry in a dense array (a list of 100,000 entries is
    400 kB a word), so a query's keys are met with a few array writes each instead of a
    loop over their postings. Built once per list edition, an index is saved (`save`) and
    reopened (`open`) from memory-mapped arrays in milliseconds: the postings are looked up
    by a stable 64-bit hash of their key, and entries are decoded only when they are hits.
    """

    def __init__(
        self,
        entries: Sequence[ListEntry],
        *,
        warm_names: bool = True,
        progress: Progress | None = None,
        spill_dir: Path | None = None,
    ) -> None:
        """Index the entries. `warm_names` also loads rigour's name data, so that the first
        screening does not pay for it (an index built to be saved, at list load, need not);
        `progress` hears how far a long build is, every PROGRESS_EVERY entries; a large
        list's (key, entry) pairs are sorted on disk under `spill_dir` (best on the file
        system the index will be saved to: its arrays are then linked, not copied)."""
        if warm_names:
            names.load_name_data()
        self.entries: Sequence[ListEntry] = list(entries)
        total = max(1, len(self.entries))
        self._max_postings = max(50, int(total * COMMON_KEY_SHARE))
        self._postings: Postings = frozen.build_postings(
            _entry_keys(self.entries, progress), self._max_postings, spill_dir
        )
        self._unknown = math.log(1 + total)
        self._total = total
        self._weights: dict[str, float] = {}
        if progress is not None:
            progress(len(self.entries), len(self.entries))

    @classmethod
    def _opened(cls, entries: Sequence[ListEntry], postings: Postings) -> CandidateIndex:
        index = cls.__new__(cls)
        index.entries = entries
        index._postings = postings
        total = max(1, len(entries))
        index._max_postings = max(50, int(total * COMMON_KEY_SHARE))
        index._unknown = math.log(1 + total)
        index._total = total
        index._weights = {}
        return index

    def save(self, directory: Path) -> None:
        """Write the index to a new directory (atomically: a half-written one never opens)."""
        if not isinstance(self._postings, frozen.HashedPostings) or isinstance(
            self._postings, frozen.FrozenPostings
        ):
            raise ValueError("this index was opened from a saved one: it is saved already")
        frozen.save(directory, self.entries, self._postings)

    @classmethod
    def open(cls, directory: Path) -> CandidateIndex:
        """An index saved by `save`, memory-mapped: opened in milliseconds at any size.

        rigour's name data is not loaded here: a one-off command loads only the tables its
        queries need, and a server loads them all once at start (`ctip.matching.warm`).
        """
        entries, postings = frozen.open_arrays(directory)
        return cls._opened(entries, postings)

    def _word_idf(self, word: str) -> float | None:
        posting = self._postings.get(f"w:{word}")
        return None if posting is None else math.log(1 + self._total / len(posting))

    def word_weight(self, word: str) -> float:
        """How much a word says: rare words a lot; a word no entry has (a brand not
        listed, or a listed one misspelt) as much as the rarest.

        Remembered per word (ranking and scoring ask for the same words many times a
        screening); the memory is cleared when it holds KEPT_WEIGHTS words."""
        weight = self._weights.get(word)
        if weight is None:
            idf = self._word_idf(word)
            weight = self._unknown if idf is None else idf
            if len(self._weights) >= KEPT_WEIGHTS:
                self._weights.clear()
            self._weights[word] = weight
        return weight

    def rarity(self, word: str) -> float:
        """How rare a word is among the listed names, 0 (on every name) to 1 (on few).

        Reaches 1 at half the largest inverse document frequency (about 1% of the
        names for a list of 10,000); a word on no listed name is as rare as can be.
        """
        return min(1.0, 2 * self.word_weight(word) / self._unknown)

    def candidates(self, query: MatchQuery, limit: int = DEFAULT_LIMIT) -> list[ListEntry]:
        """The entries whose keys carry enough of the query's word weight, best first."""
        return [entry for _, entry in self.ranked(query, limit)]

    def to_score(self, query: MatchQuery, limit: int = DEFAULT_LIMIT) -> list[ListEntry]:
        """The candidates worth a full score: those sharing at least SCORE_SHARE of the
        query's word weight, and the best one from BEST_SHARE.

        Measured on the screening benchmark (10,000 listed, 100,000 lines), candidates
        below SCORE_SHARE almost never match yet would take most of the time, and a best
        candidate below BEST_SHARE gave only false matches.
        """
        return [
            entry
            for rank, (share, entry) in enumerate(self.ranked(query, limit))
            if share >= SCORE_SHARE or (rank == 0 and share >= BEST_SHARE)
        ]

    def ranked(
        self, query: MatchQuery, limit: int = DEFAULT_LIMIT
    ) -> list[tuple[float, ListEntry]]:
        """The candidates with their share of the query's word weight, best first.

        Each query word earns, on each entry, the credit of the best key of it the entry
        carries (the word itself, its sound, its ends, its typo forms): the key's factor
        times the word's weight, but never more than the key's own rarity. A prefix or
        a sound that a hundred brands share says little about which brand a query
        names, however rare the query's word; a typo form that one brand has says a lot.
        """
        words = query_words(query.name)
        weights = [self.word_weight(w) for w, _ in words]
        total = sum(weights)
        if total <= 0 or not self.entries:
            return []
        credit = np.zeros(len(self.entries), dtype=np.float32)
        best = np.empty(len(self.entries), dtype=np.float32)
        for (_, keys), weight in zip(words, weights, strict=True):
            best.fill(0.0)
            for value, posting in self._met_keys(keys, weight):
                best[posting] = value
            credit += best
        share = credit / np.float32(total)
        found = np.flatnonzero(share >= MIN_SHARE)
        order = found[np.lexsort((found, -share[found]))][:limit]
        return [(float(share[p]), self.entries[p]) for p in order]

    def _met_keys(self, keys: WordKeys, weight: float) -> list[tuple[float, npt.NDArray[np.int32]]]:
        """The keys of one query word the index has, with the credit each earns,
        weakest first (so that writing them in order leaves each entry its best)."""
        met = []
        for key, factor in keys:
            posting = self._postings.get(key)
            if posting is not None:
                rarity = math.log(1 + self._total / len(posting))
                met.append((factor * min(weight, rarity), posting))
        met.sort(key=lambda item: item[0])
        return met


def screen(
    queries: Iterable[MatchQuery],
    entries: Sequence[ListEntry] | CandidateIndex,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    limit: int = DEFAULT_LIMIT,
    report_floor: float | None = None,
) -> Iterator[MatchResult]:
    """Score each query against its candidates; yield results at or above the floor.

    The floor defaults to the threshold (only matches); a lower floor also reports the
    near misses, marked `is_match=False`, for a person to look at. A query that repeats
    an earlier one in all but its id (the same importer on many entry lines) is scored
    once and its results re-issued under its own id.
    """
    index = entries if isinstance(entries, CandidateIndex) else CandidateIndex(entries)
    floor = threshold if report_floor is None else report_floor
    seen: dict[MatchQuery, list[MatchResult]] = {}
    for query in queries:
        key = replace(query, query_id="")
        results = seen.get(key)
        if results is None:
            results = _screen_one(query, index, threshold, limit, floor)
            seen[key] = results
        for result in results:
            yield (
                result
                if result.query_id == query.query_id
                else replace(result, query_id=query.query_id)
            )


def _screen_one(
    query: MatchQuery, index: CandidateIndex, threshold: float, limit: int, floor: float
) -> list[MatchResult]:
    """The results of one query at or above the floor, best first."""
    scored = (score(query, e, threshold, rarity=index.rarity) for e in index.to_score(query, limit))
    return sorted((r for r in scored if r.score >= floor), key=lambda r: -r.score)
