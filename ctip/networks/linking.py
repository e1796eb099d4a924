"""Linking ads: shared identifiers and reused text, with the evidence for every link.

Two ads are linked when they share a phone, an e-mail, a photo hash or a poster account, or
when their texts are near-duplicates (a template with a new name and city filled in). Text
likeness is estimated with MinHash and candidate pairs found with locality-sensitive
hashing (banded signatures), so a million ads never need a million-squared comparisons. A
network is a connected whole of these links.

Everything here works on batches held in numpy arrays: signing a chunk of texts, grouping
every ad's band keys, comparing candidate pairs. A million ads are linked in seconds, and the
benchmark, `ctip networks build` and the tests run the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from ctip.networks.extract import fold

TEXT_THRESHOLD: Final = 0.5
"""Estimated Jaccard likeness of word 3-gram sets at which two texts count as one template."""
NUM_PERM: Final = 64
LSH_BANDS: Final = (10, 6)
"""10 bands of 6 rows: a pair at likeness 0.6 meets in some band with probability 0.38 (and
template ads have many siblings), a pair at 0.1, the likeness of unrelated ads, with 1e-5,
so an ad has a handful of candidates even among a million ads."""
BUCKET_DEPTH: Final = 8
"""Per band, an ad is compared with at most this many of the latest earlier ads in its bucket:
a template's siblings fill the bucket, and the latest of them are as good evidence as all."""
MIN_SHINGLES: Final = 8
"""Texts shorter than this carry too little to call two of them one template."""
MAX_TEXT_LINKS: Final = 2
"""Links kept per ad to earlier look-alikes: enough to connect and to show the evidence."""
SIGN_BATCH: Final = 512
"""Texts whose shingles are permuted in one numpy step (about 1.5 MB: stays in cache)."""
PAIR_BATCH: Final = 1 << 18
"""Candidate pairs compared in one numpy step (two 64 MB blocks of signature values)."""
_DIGITS: Final = re.compile(r"\d+")
_WORD: Final = re.compile(r"[a-z#]+")
LINK_KINDS: Final = ("phone", "email", "image", "account", "handle", "text")
TEXT_EVIDENCE: Final = "near-duplicate text"


@dataclass(frozen=True)
class AdSignals:
    """What linking needs of an ad: its key, its identifiers and its text."""

    key: int
    identifiers: frozenset[tuple[str, str]]
    text: str


@dataclass(frozen=True)
class Link:
    """Evidence that ads `a` and `b` share a poster: the identifier, or the text likeness."""

    a: int
    b: int
    kind: str
    value: str
    similarity: float | None = None


def identifier_tag(kind: str, value: str) -> str:
    """One string for an identifier, `kind:value` (no kind holds a colon): a cheap dict key
    and a cheap thing to send from a worker process."""
    return f"{kind}:{value}"


def shingles(text: str) -> set[str]:
    """Word 3-grams of the folded text with numbers masked (prices, ages and phones vary).

    The definition `Signer` hashes (it finds the same words with numpy, a batch at a time).
    """
    words = _WORD.findall(_DIGITS.sub("#", fold(text)))
    return set(map(" ".join, zip(words, words[1:], words[2:], strict=False)))


@dataclass(frozen=True)
class Signatures:
    """MinHash signatures of a batch of texts, one row per text.

    `signed` is False for a text with fewer than `MIN_SHINGLES` distinct shingles: its row
    holds no signature and such a text is never linked by likeness.
    """

    values: np.ndarray
    signed: np.ndarray

    def __len__(self) -> int:
        return len(self.signed)

    @classmethod
    def join(cls, parts: Sequence[Signatures], num_perm: int = NUM_PERM) -> Signatures:
        """Batches one after the other."""
        if not parts:
            return cls(np.empty((0, num_perm), np.uint32), np.empty(0, bool))
        values = np.concatenate([p.values for p in parts])
        return cls(values, np.concatenate([p.signed for p in parts]))


_WORD_BYTE: Final = np.zeros(256, dtype=bool)
_WORD_BYTE[ord("a") : ord("z") + 1] = True
_WORD_BYTE[ord("#")] = True
_DIGIT_BYTE: Final = np.zeros(256, dtype=bool)
_DIGIT_BYTE[ord("0") : ord("9") + 1] = True
_HASH: Final = np.uint8(ord("#"))
_BASE: Final = 0x100000001B3
"""Odd multiplier of the polynomial word hash (FNV's prime): invertible modulo 2^64."""
_MIX: Final = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


class Signer:
    """MinHash signatures of texts with fixed permutations (the same in every process).

    A shingle (word 3-gram, `shingles`) is hashed from the hashes of its three words, each a
    polynomial hash of its letters computed for a whole batch of texts at once with numpy
    (a prefix sum over the batch's bytes), so no per-word Python work is done. The
    permutations and the scheme ("affine32": a MurmurHash3 pre-mix, then h -> a * h + b mod
    2^32) are datasketch's, applied to every shingle of a batch in one step.
    """

    def __init__(self, num_perm: int = NUM_PERM) -> None:
        self.num_perm = num_perm
        from datasketch import MinHash  # heavy (scipy): loaded when ads are linked, not at start

        permutations = MinHash(num_perm=num_perm).permutations
        affine = MinHash(num_perm=num_perm, permutations=permutations, scheme="affine32")
        self._a = np.asarray(affine.permutations[0], dtype=np.uint32)
        self._b = np.asarray(affine.permutations[1], dtype=np.uint32)
        self._powers = np.ones(1, dtype=np.uint64)
        self._inverse_powers = np.ones(1, dtype=np.uint64)

    def sign(self, text: str) -> np.ndarray | None:
        """The signature of a text, or None when it is too short to compare."""
        signatures = self.sign_many([text])
        return signatures.values[0] if signatures.signed[0] else None

    def sign_many(self, texts: Sequence[str]) -> Signatures:
        """The signatures of many texts (title and body as written)."""
        return self.sign_folded([fold(text) for text in texts])

    def sign_folded(self, folded: Sequence[str]) -> Signatures:
        """The signatures of texts already folded (`extract.fold`), as a reader has them."""
        values = np.zeros((len(folded), self.num_perm), dtype=np.uint32)
        signed = np.zeros(len(folded), dtype=bool)
        for start in range(0, len(folded), SIGN_BATCH):
            batch = folded[start : start + SIGN_BATCH]
            text_of, hashes = self._shingle_hashes(batch)
            counts = np.bincount(text_of, minlength=len(batch))
            ok = counts >= MIN_SHINGLES
            keep = ok[text_of]
            text_of, hashes = text_of[keep], hashes[keep]
            if len(hashes):
                starts = np.flatnonzero(np.r_[True, text_of[1:] != text_of[:-1]])
                values[start + text_of[starts]] = self._minima(hashes, starts)
            signed[start : start + len(batch)] = ok
        return Signatures(values, signed)

    def _shingle_hashes(self, folded: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The distinct 32-bit shingle hashes of each text, sorted by text: (text, hash)."""
        text_of, words = self._word_hashes(folded)
        same = text_of[2:] == text_of[:-2]
        first, second, third = words[:-2][same], words[1:-1][same], words[2:][same]
        mixed = (first * _MIX[0] + second) * _MIX[1] + third
        mixed ^= mixed >> np.uint64(31)
        mixed *= _MIX[0]
        keys = (text_of[:-2][same].astype(np.uint64) << np.uint64(32)) | (mixed >> np.uint64(32))
        keys = _distinct(keys)
        return (keys >> np.uint64(32)).astype(np.intp), keys.astype(np.uint32)

    def _word_hashes(self, folded: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Each word of the texts (`shingles`' words) as (text number, 64-bit hash)."""
        data = np.frombuffer(_masked_bytes(folded), dtype=np.uint8)
        digit = _DIGIT_BYTE[data]
        repeated = digit & np.r_[False, digit[:-1]]
        chars = np.where(digit, _HASH, data)[~repeated]
        word = _WORD_BYTE[chars]
        edges = np.flatnonzero(np.diff(np.r_[False, word, False].view(np.int8)))
        starts, ends = edges[::2], edges[1::2]
        powers, inverse = self._power_tables(len(chars))
        prefix = np.cumsum(chars.astype(np.uint64) * powers, dtype=np.uint64)
        prefix = np.r_[np.uint64(0), prefix]
        hashes = (prefix[ends] - prefix[starts]) * inverse[starts]
        breaks = np.r_[0, np.cumsum(chars == ord("\n"))]
        return breaks[starts], hashes

    def _power_tables(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        """_BASE^i and its inverse modulo 2^64 for i < size, grown as batches need."""
        if len(self._powers) < size:
            length = max(size, 2 * len(self._powers))
            steps = np.full(length, _BASE, dtype=np.uint64)
            steps[0] = 1
            self._powers = np.cumprod(steps, dtype=np.uint64)
            steps[1:] = pow(_BASE, -1, 1 << 64)
            self._inverse_powers = np.cumprod(steps, dtype=np.uint64)
        return self._powers[:size], self._inverse_powers[:size]

    def _minima(self, hashes: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Per text, the least permuted value of its shingle hashes under each permutation.

        Laid out one permutation per row, so each minimum runs over contiguous memory
        (several times faster than reducing down the columns).
        """
        permuted = self._a[:, np.newaxis] * _fmix32(hashes)[np.newaxis, :]
        permuted += self._b[:, np.newaxis]
        minima: np.ndarray = np.minimum.reduceat(permuted, starts, axis=1)
        return minima.T


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, ascending (`np.unique` without its overhead)."""
    if not len(values):
        return values
    ordered = np.sort(values)
    distinct: np.ndarray = ordered[np.r_[True, ordered[1:] != ordered[:-1]]]
    return distinct


def _masked_bytes(folded: Sequence[str]) -> bytes:
    """The texts as ASCII-compatible bytes, one per line; digits of any script become '#'
    first in a text that is not ASCII (numpy then masks ASCII digits itself)."""
    lines = [t if t.isascii() else _DIGITS.sub("#", t) for t in folded]
    return "\n".join(line.replace("\n", " ") for line in lines).encode("utf-8")


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix for the affine32 scheme."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


def _band_keys(values: np.ndarray) -> np.ndarray:
    """One 64-bit bucket key per row of a band of signature values (a hash of the band)."""
    keys = np.zeros(len(values), dtype=np.uint64)
    for column in values.T:
        keys = (keys ^ column.astype(np.uint64)) * _MIX[0]
        keys ^= keys >> np.uint64(29)
    return keys


def _previous_in_bucket(keys: np.ndarray) -> np.ndarray:
    """For each row, the latest earlier row with the same key, or -1."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    same = ordered[1:] == ordered[:-1]
    previous = np.full(len(keys), -1, dtype=np.intp)
    previous[order[1:][same]] = order[:-1][same]
    return previous


def candidate_pairs(values: np.ndarray, bands: tuple[int, int] = LSH_BANDS) -> np.ndarray:
    """(later, earlier) rows that share a bucket in some band, each pair once, by later row.

    In each band, a row meets the `BUCKET_DEPTH` latest earlier rows of its bucket.
    """
    count, width = bands
    parts = []
    for band in range(count):
        previous = _previous_in_bucket(_band_keys(values[:, band * width : (band + 1) * width]))
        later = np.flatnonzero(previous >= 0)
        earlier = previous[later]
        for _ in range(BUCKET_DEPTH):
            if not len(later):
                break
            parts.append(later * len(values) + earlier)
            earlier = previous[earlier]
            deeper = earlier >= 0
            later, earlier = later[deeper], earlier[deeper]
    codes = _distinct(np.concatenate(parts)) if parts else np.empty(0, dtype=np.intp)
    return np.stack([codes // max(len(values), 1), codes % max(len(values), 1)], axis=1)


def _likeness(values: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Estimated Jaccard likeness of each pair: the share of equal signature values."""
    equal = np.empty(len(pairs), dtype=np.int16)
    for start in range(0, len(pairs), PAIR_BATCH):
        block = pairs[start : start + PAIR_BATCH]
        equal[start : start + len(block)] = (values[block[:, 0]] == values[block[:, 1]]).sum(1)
    likeness: np.ndarray = equal / values.shape[1]
    return likeness


def near_duplicates(
    signatures: Signatures, threshold: float = TEXT_THRESHOLD
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Text links among rows in posting order: (earlier row, later row, likeness).

    Each row links to at most `MAX_TEXT_LINKS` earlier rows, the likest first (the older one
    on a tie), among its LSH candidates whose estimated likeness reaches `threshold`.
    """
    rows = np.flatnonzero(signatures.signed)
    values = signatures.values[rows]
    pairs = candidate_pairs(values)
    likeness = _likeness(values, pairs)
    alike = likeness >= threshold
    pairs, likeness = pairs[alike], likeness[alike]
    if not len(pairs):
        return rows[:0], rows[:0], likeness
    order = np.lexsort((pairs[:, 1], -likeness, pairs[:, 0]))
    pairs, likeness = pairs[order], likeness[order]
    first = np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(pairs)), 0))
    kept = np.arange(len(pairs)) - group_start < MAX_TEXT_LINKS
    pairs, likeness = pairs[kept], likeness[kept]
    return rows[pairs[:, 1]], rows[pairs[:, 0]], likeness


def component_labels(count: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The connected whole of each of `count` rows given links a[i]-b[i] (a label per row)."""
    if count == 0:
        return np.empty(0, dtype=np.intp)
    from scipy.sparse import coo_array  # type: ignore[import-untyped]  # loaded when used
    from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

    graph = coo_array((np.ones(len(a), dtype=np.int8), (a, b)), shape=(count, count), dtype=np.int8)
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels)


def grouped(labels: np.ndarray) -> list[list[int]]:
    """Rows by label: each whole as an ascending list of rows, in order of its first row."""
    if not len(labels):
        return []
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    cuts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    bounds = zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(order)].tolist(), strict=True)
    rows = order.tolist()
    wholes = [rows[start:end] for start, end in bounds]
    wholes.sort(key=lambda whole: whole[0])
    return wholes


@dataclass
class Networks:
    """What linking found among ads given in posting order (rows 0, 1, ... of `keys`)."""

    keys: list[int]
    identifier_links: tuple[np.ndarray, np.ndarray, list[str]]
    """(earlier row, later row, identifier tag) of each identifier link."""
    text_links: tuple[np.ndarray, np.ndarray, np.ndarray]
    """(earlier row, later row, likeness) of each text link."""
    labels: np.ndarray
    """The network of each row (a component label)."""

    def links(self) -> list[Link]:
        """Every link with its evidence, identifier links first, between ad keys."""
        keys = self.keys
        found = []
        for a, b, tag in zip(*self.identifier_links, strict=True):
            kind, value = tag.split(":", 1)
            found.append(Link(keys[a], keys[b], kind, value))
        for a, b, likeness in zip(*self.text_links, strict=True):
            found.append(Link(keys[a], keys[b], "text", TEXT_EVIDENCE, round(float(likeness), 3)))
        return found

    def groups(self) -> list[list[int]]:
        """The networks as sorted ad keys, largest first; unlinked ads are wholes of one."""
        wholes = [sorted(self.keys[row] for row in rows) for rows in grouped(self.labels)]
        return sorted(wholes, key=lambda g: (-len(g), g[0]))


class NetworkBuilder:
    """Links ads a batch at a time, in posting order, then finds the networks.

    Identifier links are made as batches arrive (a star per identifier: each ad links to the
    first ad that stated the same value); signatures are kept, and text links and networks
    are found once every ad is in (`finish`), in whole-array steps.
    """

    def __init__(self, threshold: float = TEXT_THRESHOLD) -> None:
        self.threshold = threshold
        self.keys: list[int] = []
        self._first: dict[str, int] = {}
        """Identifier tag -> the row of the first ad that stated it."""
        self._earlier: list[int] = []
        self._later: list[int] = []
        self._tags: list[str] = []
        self._signatures: list[Signatures] = []

    def add(
        self, keys: Sequence[int], identifiers: Sequence[Iterable[str]], signatures: Signatures
    ) -> None:
        """Take the next ads: their keys, identifier tags (`identifier_tag`) and signatures."""
        row = len(self.keys)
        first, earlier, later, tags = self._first, self._earlier, self._later, self._tags
        for tagged in identifiers:
            for tag in tagged:
                holder = first.setdefault(tag, row)
                if holder != row:
                    earlier.append(holder)
                    later.append(row)
                    tags.append(tag)
            row += 1
        self.keys.extend(keys)
        self._signatures.append(signatures)

    def finish(self) -> Networks:
        """Text links among all ads taken, and the networks both kinds of link make."""
        signatures = Signatures.join(self._signatures)
        text_a, text_b, likeness = near_duplicates(signatures, self.threshold)
        id_a = np.asarray(self._earlier, dtype=np.intp)
        id_b = np.asarray(self._later, dtype=np.intp)
        labels = component_labels(
            len(self.keys), np.concatenate([id_a, text_a]), np.concatenate([id_b, text_b])
        )
        return Networks(self.keys, (id_a, id_b, self._tags), (text_a, text_b, likeness), labels)


def build_networks_of(ads: Sequence[AdSignals], signer: Signer | None = None) -> Networks:
    """Sign and link ads held in memory, in their order, a batch at a time."""
    signer = signer or Signer()
    builder = NetworkBuilder()
    for start in range(0, len(ads), SIGN_BATCH):
        batch = ads[start : start + SIGN_BATCH]
        tags = [sorted(identifier_tag(*i) for i in ad.identifiers) for ad in batch]
        builder.add([ad.key for ad in batch], tags, signer.sign_many([ad.text for ad in batch]))
    return builder.finish()


def identifier_links(ads: Sequence[AdSignals]) -> list[Link]:
    """A link from each ad to the first ad that stated the same identifier (a star per value)."""
    networks = build_networks_of([AdSignals(ad.key, ad.identifiers, "") for ad in ads])
    return networks.links()


def text_links(ads: Sequence[AdSignals], threshold: float = TEXT_THRESHOLD) -> list[Link]:
    """Links between ads whose texts are near-duplicates or one template filled in."""
    keys = [ad.key for ad in ads]
    signatures = Signer().sign_many([ad.text for ad in ads])
    a, b, likeness = near_duplicates(signatures, threshold)
    return [
        Link(keys[i], keys[j], "text", TEXT_EVIDENCE, round(float(s), 3))
        for i, j, s in zip(a, b, likeness, strict=True)
    ]


def components(keys: Iterable[int], links: Iterable[Link]) -> list[list[int]]:
    """The connected wholes, each sorted, largest first; unlinked ads are wholes of one."""
    rows = {key: row for row, key in enumerate(dict.fromkeys(keys))}
    links = list(links)
    for link in links:
        rows.setdefault(link.a, len(rows))
        rows.setdefault(link.b, len(rows))
    pairs = np.array([(rows[k.a], rows[k.b]) for k in links], dtype=np.intp).reshape(-1, 2)
    labels = component_labels(len(rows), pairs[:, 0], pairs[:, 1])
    empty = (np.empty(0, np.intp),) * 2
    networks = Networks(list(rows), (*empty, []), (*empty, np.empty(0)), labels)
    return networks.groups()


def link_ads(ads: Sequence[AdSignals]) -> tuple[list[Link], list[list[int]]]:
    """All links among the ads and the networks they make."""
    networks = build_networks_of(ads)
    return networks.links(), networks.groups()
