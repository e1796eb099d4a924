"""Linking ads: shared identifiers and reused text, with the evidence for every link.

Two ads are linked when they share a phone, an e-mail, a photo hash or a poster account, or
when their texts are near-duplicates (a template with a new name and city filled in). Text
likeness is estimated with MinHash and candidate pairs found with locality-sensitive
hashing (`datasketch`), so a million ads never need a million-squared comparisons. A network
is a connected whole of these links (union-find).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ctip.networks.extract import fold

TEXT_THRESHOLD: Final = 0.5
"""Estimated Jaccard likeness of word 3-gram sets at which two texts count as one template."""
NUM_PERM: Final = 64
LSH_BANDS: Final = (10, 6)
"""10 bands of 6 rows: a pair at likeness 0.6 meets in some band with probability 0.38 (and
template ads have many siblings), a pair at 0.1, the likeness of unrelated ads, with 1e-5,
so a query returns a handful of candidates even among a million ads."""
MIN_SHINGLES: Final = 8
"""Texts shorter than this carry too little to call two of them one template."""
MAX_CANDIDATES: Final = 64
MAX_TEXT_LINKS: Final = 2
"""Links kept per ad to earlier look-alikes: enough to connect and to show the evidence."""
SIGN_BATCH: Final = 64
_DIGITS: Final = re.compile(r"\d+")
_WORD: Final = re.compile(r"[a-z#]+")
LINK_KINDS: Final = ("phone", "email", "image", "account", "handle", "text")


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


class UnionFind:
    """Disjoint sets over ad keys with path halving; the whole of a network is one set."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, key: int) -> int:
        """The representative of the set holding `key`."""
        parent = self.parent
        parent.setdefault(key, key)
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(self, a: int, b: int) -> None:
        """Join the sets of `a` and `b` (the smaller key stays the representative)."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            low, high = sorted((root_a, root_b))
            self.parent[high] = low


def identifier_links(ads: Iterable[AdSignals]) -> list[Link]:
    """A link from each ad to the first ad that stated the same identifier (a star per value)."""
    first: dict[tuple[str, str], int] = {}
    links = []
    for ad in ads:
        for identifier in sorted(ad.identifiers):
            holder = first.setdefault(identifier, ad.key)
            if holder != ad.key:
                links.append(Link(holder, ad.key, identifier[0], identifier[1]))
    return links


def shingles(text: str) -> set[str]:
    """Word 3-grams of the folded text with numbers masked (prices, ages and phones vary)."""
    words = _WORD.findall(_DIGITS.sub("#", fold(text)))
    return set(map(" ".join, zip(words, words[1:], words[2:], strict=False)))


class Signer:
    """MinHash signatures of texts with fixed permutations (the same in every process).

    CRC-32 hashes the shingles: a stable 32-bit hash several times cheaper than
    datasketch's default SHA-1; a collision only blurs an estimate. The permutations and the
    scheme ("affine32": a MurmurHash3 pre-mix, then h -> a * h + b mod 2^32) are datasketch's;
    `sign` applies them to all shingles in one numpy step instead of building a `MinHash`
    per ad (whose set-up cost more than the hashing), and gives the same signature.
    """

    def __init__(self, num_perm: int = NUM_PERM) -> None:
        self.num_perm = num_perm
        self.permutations = MinHash(num_perm=num_perm, hashfunc=zlib.crc32).permutations
        affine = MinHash(
            num_perm=num_perm,
            permutations=self.permutations,
            scheme="affine32",
            hashfunc=zlib.crc32,
        ).permutations
        self._a = np.asarray(affine[0], dtype=np.uint32)
        self._b = np.asarray(affine[1], dtype=np.uint32)

    def sign(self, text: str) -> np.ndarray | None:
        """The signature of a text, or None when it is too short to compare."""
        return self.sign_many([text])[0]

    def sign_many(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        """The signatures of many texts, a batch per numpy pass (per-call overhead dominates
        one text; a batch of a few dozen keeps the permuted block in cache)."""
        signatures: list[np.ndarray | None] = []
        for start in range(0, len(texts), SIGN_BATCH):
            signatures += self._sign_batch(texts[start : start + SIGN_BATCH])
        return signatures

    def _sign_batch(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        hashes: list[int] = []
        offsets: list[int] = []
        for text in texts:
            grams = shingles(text)
            if len(grams) >= MIN_SHINGLES:
                offsets.append(len(hashes))
                encoded = "\n".join(grams).encode("utf-8").split(b"\n")  # no newline in a gram
                hashes.extend(map(zlib.crc32, encoded))
            else:
                offsets.append(-1)
        signed = iter(self._minima(hashes, [o for o in offsets if o >= 0]))
        return [None if offset < 0 else next(signed) for offset in offsets]

    def _minima(self, hashes: list[int], starts: list[int]) -> list[np.ndarray]:
        """Per text, the least permuted value of its shingle hashes under each permutation."""
        if not starts:
            return []
        mixed = _fmix32(np.array(hashes, dtype=np.uint32))
        permuted = mixed[:, np.newaxis] * self._a + self._b
        return list(np.minimum.reduceat(permuted, starts, axis=0))


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix for the affine32 scheme."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


class TextIndex:
    """Signatures in an LSH index; adding an ad returns links to its earlier look-alikes."""

    def __init__(self, threshold: float = TEXT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.signer = Signer(num_perm)
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, params=LSH_BANDS)
        self.rows: dict[int, int] = {}
        """Ad key -> its row in `matrix`: candidates are compared in one fancy-indexed step."""
        self.matrix = np.empty((1024, num_perm), dtype=np.uint32)

    def add(self, key: int, text: str) -> list[Link]:
        """Sign an ad's text and index it."""
        return self.add_signature(key, self.signer.sign(text))

    def add_signature(self, key: int, signature: np.ndarray | None) -> list[Link]:
        """Index a signature made elsewhere (a worker process); None is skipped."""
        if signature is None:
            return []
        if not self.rows:
            self._check_layout(signature)
        bands = self._bands(signature)
        links = self._alike(key, bands, signature)
        self.lsh.keys.insert(key, *bands)
        for band, table in zip(bands, self.lsh.hashtables, strict=True):
            table.insert(band, key)
        self._keep(key, signature)
        return links

    def _keep(self, key: int, signature: np.ndarray) -> None:
        """Store a signature in the next row, doubling the matrix when it is full."""
        row = len(self.rows)
        if row == len(self.matrix):
            self.matrix = np.concatenate([self.matrix, np.empty_like(self.matrix)])
        self.matrix[row] = signature
        self.rows[key] = row

    def _bands(self, signature: np.ndarray) -> list[bytes]:
        """The LSH bucket key of each band, as `MinHashLSH` makes it (big-endian 32-bit values).

        Made once per ad and used for both the query and the insert: datasketch's own
        `query`/`insert` would each slice and byte-swap the bands again.
        """
        raw = signature.astype(np.uint32).byteswap().tobytes()
        return [raw[start * 4 : end * 4] for start, end in self.lsh.hashranges]

    def _check_layout(self, signature: np.ndarray) -> None:
        """Our band keys equal datasketch's: checked once against `MinHashLSH` itself."""
        lean = LeanMinHash(seed=1, hashvalues=signature.astype(np.uint64), scheme="affine32")
        expected = [self.lsh._H(lean.hashvalues[a:b]) for a, b in self.lsh.hashranges]
        if expected != self._bands(signature) or self.lsh.prepickle or self.lsh.hashfunc:
            raise RuntimeError("datasketch's LSH bucket keys changed; update TextIndex._bands")

    def _candidates(self, bands: list[bytes]) -> list[int]:
        """Earlier ads sharing a bucket in some band, in `MinHashLSH.query`'s order."""
        found: set[int] = set()
        for band, table in zip(bands, self.lsh.hashtables, strict=True):
            for key in table.get(band):
                found.add(key)
        return list(found)

    def _alike(self, key: int, bands: list[bytes], signature: np.ndarray) -> list[Link]:
        candidates = self._candidates(bands)[:MAX_CANDIDATES]
        if not candidates:
            return []
        matrix = self.matrix[[self.rows[c] for c in candidates]]
        likeness = (matrix == signature).mean(axis=1)
        order = np.argsort(-likeness, kind="stable")[:MAX_TEXT_LINKS]
        return [
            Link(
                int(candidates[i]), key, "text", "near-duplicate text", round(float(likeness[i]), 3)
            )
            for i in order
            if likeness[i] >= self.threshold
        ]


def text_links(ads: Iterable[AdSignals], threshold: float = TEXT_THRESHOLD) -> list[Link]:
    """Links between ads whose texts are near-duplicates or one template filled in."""
    index = TextIndex(threshold)
    links: list[Link] = []
    for ad in ads:
        links.extend(index.add(ad.key, ad.text))
    return links


def components(keys: Iterable[int], links: Iterable[Link]) -> list[list[int]]:
    """The connected wholes, each sorted, largest first; unlinked ads are wholes of one."""
    sets = UnionFind()
    for key in keys:
        sets.find(key)
    for link in links:
        sets.union(link.a, link.b)
    groups: dict[int, list[int]] = {}
    for key in sets.parent:
        groups.setdefault(sets.find(key), []).append(key)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def link_ads(ads: Sequence[AdSignals]) -> tuple[list[Link], list[list[int]]]:
    """All links among the ads and the networks they make."""
    links = identifier_links(ads) + text_links(ads)
    return links, components((ad.key for ad in ads), links)
