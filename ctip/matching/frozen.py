"""A candidate index saved as flat arrays, opened by memory-mapping them.

Building the index of a 100,000-entry list takes minutes on a small machine, and a Python
dictionary of its three million keys takes seconds to unpickle. Saved as arrays (the keys'
64-bit hashes sorted, each key's postings as a slice of one array, the entries as JSON
lines decoded only when a hit needs them), an index opens in milliseconds whatever its
size, and every process (the CLI, each API worker, the workbench) maps the same pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from ctip.matching.types import ListEntry

FORMAT = 2
"""Raised whenever saved keys would differ (2: 股份有限公司 read as a company form), so an
index saved by an earlier version is rebuilt rather than read."""
FORMAT_FILE = "format.json"
TUPLE_FIELDS = tuple(f.name for f in fields(ListEntry) if f.type == "tuple[str, ...]")
Posting = npt.NDArray[np.int32]


CHUNK = 20_000  # entries whose (key, position) pairs are gathered before becoming arrays


@lru_cache(maxsize=1 << 18)
def key_hash(key: str) -> int:
    """A stable 64-bit hash of a key (Python's own `hash` changes with every process)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


class HashedPostings:
    """Key -> postings from three arrays: the keys' hashes sorted, where each key's
    postings start in the flat array, and the flat array of entry positions. Held in
    memory by a new index, memory-mapped from disk by a saved one."""

    def __init__(self, hashes: npt.NDArray[np.uint64], offsets: npt.NDArray[np.int64],
                 flat: Posting) -> None:  # fmt: skip
        self.hashes, self.offsets, self.flat = hashes, offsets, flat

    def __len__(self) -> int:
        return len(self.hashes)

    def get(self, key: str, /) -> Posting | None:
        """The positions filed under the key, or None when the index has no such key."""
        wanted = np.uint64(key_hash(key))
        slot = int(np.searchsorted(self.hashes, wanted))
        if slot >= len(self.hashes) or self.hashes[slot] != wanted:
            return None
        return np.asarray(self.flat[self.offsets[slot] : self.offsets[slot + 1]])


def build_postings(keys_of: Iterable[Sequence[str]], max_postings: int) -> HashedPostings:
    """The postings of every key of every entry (`keys_of` gives each entry's keys, in
    entry order), as sorted arrays; a key on more than `max_postings` entries is left out
    unless it is a whole word ("w:"), whose frequency the ranking reads.

    Gathered as (hash, position) pairs a chunk of entries at a time and sorted once, so a
    list of a million entries and fifty million keys never holds a Python object per key.
    """
    hashes: list[npt.NDArray[np.uint64]] = []
    positions: list[Posting] = []
    words: set[int] = set()
    chunk_hashes: list[int] = []
    chunk_positions: list[int] = []
    for position, keys in enumerate(keys_of):
        hashed = [key_hash(key) for key in keys]
        chunk_hashes.extend(hashed)
        chunk_positions.extend([position] * len(hashed))
        words.update(h for key, h in zip(keys, hashed, strict=True) if key[0] == "w")
        if len(chunk_positions) >= CHUNK * 50:
            hashes.append(np.array(chunk_hashes, dtype=np.uint64))
            positions.append(np.array(chunk_positions, dtype=np.int32))
            chunk_hashes, chunk_positions = [], []
    hashes.append(np.array(chunk_hashes, dtype=np.uint64))
    positions.append(np.array(chunk_positions, dtype=np.int32))
    del chunk_hashes, chunk_positions
    all_hashes, all_positions = np.concatenate(hashes), np.concatenate(positions)
    hashes.clear()  # the chunks go before the sort doubles the pairs once more
    positions.clear()
    return _sorted_postings(all_hashes, all_positions, words, max_postings)


def _sorted_postings(
    hashes: npt.NDArray[np.uint64], positions: Posting, words: set[int], max_postings: int
) -> HashedPostings:
    """Pairs sorted by key hash (stable: each key's positions stay in entry order),
    common non-word keys dropped, as the arrays of `HashedPostings`."""
    if len(hashes) == 0:  # a list without entries
        return HashedPostings(hashes, np.zeros(1, dtype=np.int64), positions)
    order = np.argsort(hashes, kind="stable")
    hashes = hashes[order]
    positions = positions[order]
    del order
    # Each key's run in the sorted hashes (np.unique would sort them all over again).
    starts = np.flatnonzero(np.diff(hashes)) + 1
    bounds = np.concatenate(([0], starts, [len(hashes)])).astype(np.int64)
    keys, counts = hashes[bounds[:-1]], np.diff(bounds)
    del hashes, starts, bounds
    word_hashes = np.fromiter(words, dtype=np.uint64, count=len(words))
    keep = np.isin(keys, word_hashes) | (counts <= max_postings)
    flat = positions[np.repeat(keep, counts)]
    offsets = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
    np.cumsum(counts[keep], out=offsets[1:])
    return HashedPostings(keys[keep], offsets, flat)


def save(directory: Path, entries: Sequence[ListEntry], postings: HashedPostings) -> None:
    """Write the index's arrays to `directory`, which must not exist yet.

    Written to a temporary directory beside it and renamed, so a reader sees either no
    index or a whole one; two processes building the same index at once both succeed.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".building-", dir=directory.parent))
    try:
        _write_postings(work, postings)
        _write_entries(work, entries)
        (work / FORMAT_FILE).write_text(json.dumps({"format": FORMAT, "entries": len(entries)}))
        os.replace(work, directory)
    except OSError:
        if directory.is_dir():  # another process won the race with the same index
            shutil.rmtree(work, ignore_errors=True)
            return
        shutil.rmtree(work, ignore_errors=True)
        raise


def _write_postings(work: Path, postings: HashedPostings) -> None:
    np.save(work / "hashes.npy", postings.hashes)
    np.save(work / "offsets.npy", postings.offsets)
    np.save(work / "postings.npy", postings.flat)


def _write_entries(work: Path, entries: Sequence[ListEntry]) -> None:
    offsets = np.zeros(len(entries) + 1, dtype=np.int64)
    with (work / "entries.jsonl").open("wb") as stream:
        for position, entry in enumerate(entries):
            line = json.dumps(asdict(entry), ensure_ascii=False, separators=(",", ":")).encode()
            stream.write(line + b"\n")
            offsets[position + 1] = offsets[position] + len(line) + 1
    np.save(work / "entry_offsets.npy", offsets)


class FrozenPostings(HashedPostings):
    """Key -> postings from the saved arrays, memory-mapped."""

    def __init__(self, directory: Path) -> None:
        super().__init__(
            np.load(directory / "hashes.npy", mmap_mode="r"),
            np.load(directory / "offsets.npy", mmap_mode="r"),
            np.load(directory / "postings.npy", mmap_mode="r"),
        )


class FrozenEntries(Sequence[ListEntry]):
    """The entries, each decoded from its JSON line when first asked for."""

    def __init__(self, directory: Path) -> None:
        self._offsets: npt.NDArray[np.int64] = np.load(
            directory / "entry_offsets.npy", mmap_mode="r"
        )
        text = directory / "entries.jsonl"
        empty = text.stat().st_size == 0  # a list of goods rules only: nothing to map
        self._text = np.zeros(0, np.uint8) if empty else np.memmap(text, np.uint8, mode="r")
        self._decoded: dict[int, ListEntry] = {}

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, position: int) -> ListEntry: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[ListEntry]: ...

    def __getitem__(self, position: int | slice) -> ListEntry | Sequence[ListEntry]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        entry = self._decoded.get(position)
        if entry is None:
            start, stop = int(self._offsets[position]), int(self._offsets[position + 1])
            entry = entry_from_json(json.loads(bytes(self._text[start : stop - 1])))
            self._decoded[position] = entry
        return entry

    def __iter__(self) -> Iterator[ListEntry]:
        for position in range(len(self)):
            yield self[position]


def entry_from_json(values: dict[str, Any]) -> ListEntry:
    """A `ListEntry` from its saved JSON (lists back to tuples)."""
    for name in TUPLE_FIELDS:
        values[name] = tuple(values.get(name) or ())
    return ListEntry(**values)


def is_saved(directory: Path) -> bool:
    """Whether a whole index of this format is saved there."""
    try:
        facts = json.loads((directory / FORMAT_FILE).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(facts, dict) and facts.get("format") == FORMAT


def open_arrays(directory: Path) -> tuple[FrozenEntries, FrozenPostings]:
    """The saved entries and postings, memory-mapped."""
    return FrozenEntries(directory), FrozenPostings(directory)
