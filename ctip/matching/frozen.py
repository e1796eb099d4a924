"""A candidate index saved as flat arrays, opened by memory-mapping them.

Building the index of a 100,000-entry list takes minutes on a small machine, and a Python
dictionary of its three million keys takes seconds to unpickle. Saved as arrays (the keys'
64-bit hashes sorted, each key's postings as a slice of one array, the entries as JSON
lines decoded only when a hit needs them), an index opens in milliseconds whatever its
size, and every process (the CLI, each API worker, the workbench) maps the same pages.

A list of a million entries files about 450 million (key, entry) pairs, more than a small
machine can sort in memory. The build hashes keys a chunk at a time (numpy, not a Python
call per key), and once the pairs outgrow SPILL_PAIRS it spills them to BUCKETS files on
disk by the top bits of their hash; each bucket is then sorted alone and appended to the
saved arrays, so the build's memory stays bounded whatever the list's size.

A build works in a folder of its own (`BuildFolder`), marked with its owner: a build that
is killed (Ctrl-C, out of memory, a crashed worker) can leave gigabytes of spilled pairs
behind, so every later build in the same place removes the folders whose owner is gone,
and never one that a live process (a server warming, a CLI loading) is still building in.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple, overload

import numpy as np
import numpy.typing as npt

from ctip.matching.types import ListEntry

FORMAT = 3
"""Raised whenever saved keys would differ (2: 股份有限公司 read as a company form; 3: keys
hashed by `key_hash`'s word-at-a-time hash instead of BLAKE2b, so that a build hashes them
with numpy), so an index saved by an earlier version is rebuilt rather than read."""
FORMAT_FILE = "format.json"
TUPLE_FIELDS = tuple(f.name for f in fields(ListEntry) if f.type == "tuple[str, ...]")
Posting = npt.NDArray[np.int32]
Hashes = npt.NDArray[np.uint64]

HASH_CHUNK = 1_000_000  # keys hashed by numpy at once
SPILL_PAIRS = 4_000_000  # (key, entry) pairs held in memory before they go to disk
BUCKETS = 256  # files the spilled pairs are spread over, by the top 8 bits of their hash
SPILLED = np.dtype([("hash", "<u8"), ("position", "<i4"), ("word", "?")])
"""A spilled pair as a 13-byte record: a bucket is one file, opened only to append a chunk."""
SPILL_PREFIX = "ctip-index-build-"  # a large build's folder, under its spill_dir
SAVE_PREFIX = ".building-"  # a save's folder, beside the index it becomes
OWNER_FILE = "owner"
UNMARKED_GRACE = 3600.0
"""Seconds a build folder without an owner mark is left alone after its last change: a
build marks its folder just after making it, and one made by an earlier version of ctip
(before folders were marked) may still be in use."""
POSTING_FILES = ("hashes.npy", "offsets.npy", "postings.npy")
SAMPLE_FILE = "hash_sample.npy"
SAMPLE_EVERY = 512  # one hash in 512 (a 4 kB page of them) kept in memory to search
NPY_HEADER = 128  # bytes kept for the header of an .npy file written in pieces

_MASK = (1 << 64) - 1
_SEED = 0x9E3779B97F4A7C15
_MULTIPLY = 0xFF51AFD7ED558CCD
_FINAL = 0xC4CEB9FE1A85EC53


def _mix(value: int) -> int:
    """MurmurHash3's finaliser: every input bit moves about half the output bits."""
    value ^= value >> 33
    value = (value * _MULTIPLY) & _MASK
    value ^= value >> 33
    value = (value * _FINAL) & _MASK
    return value ^ (value >> 33)


@lru_cache(maxsize=1 << 18)
def key_hash(key: str) -> int:
    """A stable 64-bit hash of a key (Python's own `hash` changes with every process).

    The key's UTF-8 bytes, zero-padded to whole 8-byte words, are folded in one word at a
    time (xor, multiply, shift) and the result mixed with the length: `hash_keys` gives
    the same values for a million keys at once with numpy."""
    data = key.encode()
    value = _SEED
    for start in range(0, len(data), 8):
        word = int.from_bytes(data[start : start + 8], "little")
        value = ((value ^ word) * _MULTIPLY) & _MASK
        value ^= value >> 29
    return _mix(value ^ len(data))


def hash_keys(keys: Sequence[str]) -> Hashes:
    """`key_hash` of every key, computed with numpy a word column at a time."""
    return _hashed(keys)[0]


def _hashed(keys: Sequence[str]) -> tuple[Hashes, npt.NDArray[np.bool_]]:
    """`key_hash` of every key, and whether each is a whole word ("w:")."""
    data, lengths = _key_bytes(keys)
    starts = np.zeros(len(keys), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    padded = np.concatenate((np.frombuffer(data, dtype=np.uint8), np.zeros(8, np.uint8)))
    is_word = (padded[starts] == ord("w")) & (padded[starts + 1] == ord(":")) & (lengths >= 2)
    words = (lengths + 7) // 8
    order = np.argsort(-words, kind="stable")  # longest first: column c is a prefix
    starts, lengths, words = starts[order], lengths[order], words[order]
    # Every byte offset read as the little-endian word starting there.
    at = np.ndarray((len(data) + 1,), dtype="<u8", buffer=padded, strides=(1,))
    value = np.full(len(keys), _SEED, dtype=np.uint64)
    fewer = -words  # ascending: the keys with more than c words come first
    shift29, shift33 = np.uint64(29), np.uint64(33)
    for column in range(int(words[0]) if len(keys) else 0):
        active = int(np.searchsorted(fewer, -column, side="left"))
        word = at[starts[:active] + 8 * column]
        left = lengths[:active] - 8 * column
        short = left < 8  # the last word of a key: bytes past its end are zero
        word[short] &= (np.uint64(1) << (8 * left[short]).astype(np.uint64)) - np.uint64(1)
        part = value[:active]
        part ^= word
        part *= np.uint64(_MULTIPLY)
        part ^= part >> shift29
    value ^= lengths.astype(np.uint64)
    value ^= value >> shift33
    value *= np.uint64(_MULTIPLY)
    value ^= value >> shift33
    value *= np.uint64(_FINAL)
    value ^= value >> shift33
    hashed = np.empty_like(value)
    hashed[order] = value
    return hashed, is_word


def _key_bytes(keys: Sequence[str]) -> tuple[bytes, npt.NDArray[np.int64]]:
    """The keys' UTF-8 bytes end to end, and each key's length in bytes."""
    lined = "\n".join(keys)
    data = lined.encode()
    if len(data) == len(lined) and lined.count("\n") == max(0, len(keys) - 1):
        # ASCII keys without a line break: each key's end found by numpy, not by len()
        ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
        bounds = np.concatenate(([-1], ends, [len(data)]))
        lengths = (np.diff(bounds) - 1).astype(np.int64) if keys else np.empty(0, np.int64)
        return data.replace(b"\n", b""), lengths
    lengths = np.fromiter((len(k.encode()) for k in keys), dtype=np.int64, count=len(keys))
    return "".join(keys).encode(), lengths


class HashedPostings:
    """Key -> postings from three arrays: the keys' hashes sorted, where each key's
    postings start in the flat array, and the flat array of entry positions. Held in
    memory by a small new index, memory-mapped from disk by a saved one or a large new
    one (`files`: the folder its arrays were built in, linked into the index on save).

    A key is looked up in `sample` (every SAMPLE_EVERY-th hash, in memory) first, then in
    the one page of hashes that can hold it: a binary search over the whole mapped array
    would touch a page at each of its 25 steps, and a server would soon hold all of them.
    """

    def __init__(self, hashes: Hashes, offsets: npt.NDArray[np.int64], flat: Posting,
                 files: Path | None = None, sample: Hashes | None = None) -> None:  # fmt: skip
        self.hashes, self.offsets, self.flat = hashes, offsets, flat
        self.files = files
        if sample is None and not isinstance(hashes, np.memmap):
            sample = hashes[::SAMPLE_EVERY].copy()
        self.sample = sample  # None: an index saved without one, searched whole

    def __len__(self) -> int:
        return len(self.hashes)

    def get(self, key: str, /) -> Posting | None:
        """The positions filed under the key, or None when the index has no such key."""
        wanted = np.uint64(key_hash(key))
        if self.sample is None:
            slot = int(np.searchsorted(self.hashes, wanted))
        else:
            block = int(np.searchsorted(self.sample, wanted, side="right")) - 1
            if block < 0:  # before the first key
                return None
            low = block * SAMPLE_EVERY
            slot = low + int(np.searchsorted(self.hashes[low : low + SAMPLE_EVERY], wanted))
        if slot >= len(self.hashes) or self.hashes[slot] != wanted:
            return None
        return np.asarray(self.flat[self.offsets[slot] : self.offsets[slot + 1]])


def build_postings(
    keys_of: Iterable[Sequence[str]], max_postings: int, spill_dir: Path | None = None
) -> HashedPostings:
    """The postings of every key of every entry (`keys_of` gives each entry's keys, in
    entry order; a key given twice for one entry is filed once), as sorted arrays; a key
    on more than `max_postings` entries is left out unless it is a whole word ("w:"),
    whose frequency the ranking reads.

    Keys are hashed HASH_CHUNK at a time; past SPILL_PAIRS pairs they go to bucket files
    (`_Spill`, in a new folder under `spill_dir`, else the system's temporary folder), so
    a list of a million entries never holds its pairs in memory at once (it needs about
    13 bytes of disk a pair: 6.5 GB for a million entries, gone once the arrays are made).
    Built on the file system of the index's folder, a saved index links its arrays
    instead of copying them. A build that fails or is interrupted removes its spilled
    pairs; one killed outright leaves them to the next build under `spill_dir`.
    """
    if spill_dir is not None:
        remove_stale_builds(spill_dir, SPILL_PREFIX)
    pairs = _Pairs(spill_dir)
    try:
        keys: list[str] = []
        counts: list[int] = []
        for entry_keys in keys_of:
            keys.extend(entry_keys)
            counts.append(len(entry_keys))
            if len(keys) >= HASH_CHUNK:
                pairs.add(keys, counts)
                keys, counts = [], []
        pairs.add(keys, counts)
        return pairs.postings(max_postings)
    except BaseException:
        pairs.discard()
        raise


class BuildFolder:
    """A folder one build works in, marked as its own: `OWNER_FILE` inside names the
    process and holds an exclusive `flock` for as long as the folder is in use. The kernel
    drops the lock when the process ends, however it ends, so a later build can tell a
    folder left by a dead build (lock free: removed) from one still being built in by a
    live process, this one included (lock held: kept); a pid alone could be reused."""

    def __init__(self, parent: Path | None, prefix: str) -> None:
        if parent is not None:
            parent.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(Path(tempfile.gettempdir()) if parent is None else parent, prefix)
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._owner: int | None = None
        try:
            self._owner = os.open(self.path / OWNER_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
            fcntl.flock(self._owner, fcntl.LOCK_EX)
            os.write(self._owner, f"pid {os.getpid()} since {time.time():.0f}\n".encode())
        except BaseException:
            shutil.rmtree(self.path, ignore_errors=True)
            if self._owner is not None:
                os.close(self._owner)
            raise

    def release(self) -> None:
        """Remove the folder, then let go of it (once; later calls do nothing)."""
        if self._owner is None:
            return
        shutil.rmtree(self.path, ignore_errors=True)
        os.close(self._owner)
        self._owner = None


def remove_stale_builds(parent: Path, prefix: str) -> list[Path]:
    """Remove the build folders named `prefix...` in `parent` whose build is over: their
    owner's lock is free (the owner died), or, unmarked, untouched for UNMARKED_GRACE
    seconds. Returns the folders removed."""
    try:
        found = [p for p in parent.iterdir() if p.name.startswith(prefix)]
    except OSError:  # no such folder yet, or not ours to read
        return []
    return [folder for folder in found if _removed_if_stale(folder)]


def _removed_if_stale(folder: Path) -> bool:
    if folder.is_symlink() or not folder.is_dir():
        return False
    try:
        owner = os.open(folder / OWNER_FILE, os.O_RDONLY)
    except FileNotFoundError:  # a build made by an earlier version, or being marked now
        if _recently_changed(folder):
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True
    except OSError:  # another user's build
        return False
    try:
        try:
            fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its build is alive
            return False
        if os.fstat(owner).st_size == 0 and _recently_changed(folder):
            return False  # made an instant ago, its owner about to lock it
        shutil.rmtree(folder, ignore_errors=True)
        return True
    finally:
        os.close(owner)


def _recently_changed(folder: Path) -> bool:
    """Whether the folder or anything directly in it changed within UNMARKED_GRACE."""
    try:
        changed = max([folder.stat().st_mtime, *(p.lstat().st_mtime for p in folder.iterdir())])
    except OSError:  # changing under our eyes
        return True
    return time.time() - changed < UNMARKED_GRACE


class Pairs(NamedTuple):
    """(key, entry) pairs as three arrays: the key's hash, the entry's position, whether
    the key is a whole word ("w:", kept however common: the ranking reads its frequency)."""

    hashes: Hashes
    positions: Posting
    words: npt.NDArray[np.bool_]

    def taken(self, order: npt.NDArray[np.intp]) -> Pairs:
        return Pairs(self.hashes[order], self.positions[order], self.words[order])

    @staticmethod
    def joined(parts: Sequence[Pairs]) -> Pairs:
        if not parts:
            return Pairs(np.empty(0, np.uint64), np.empty(0, np.int32), np.empty(0, np.bool_))
        return Pairs(*(np.concatenate(column) for column in zip(*parts, strict=True)))


class _Pairs:
    """The (key, entry) pairs of a build: in memory while few, in bucket files after."""

    def __init__(self, spill_dir: Path | None) -> None:
        self.spill_dir = spill_dir
        self.entries = 0  # position of the next entry
        self.held: list[Pairs] = []
        self.held_count = 0
        self.spill: _Spill | None = None

    def add(self, keys: list[str], counts: list[int]) -> None:
        """The pairs of the next entries: their keys end to end and each one's count."""
        hashes, words = _hashed(keys)
        first = np.arange(self.entries, self.entries + len(counts), dtype=np.int32)
        positions = np.repeat(first, np.asarray(counts, dtype=np.int64))
        self.entries += len(counts)
        self.held.append(Pairs(hashes, positions, words))
        self.held_count += len(hashes)
        if self.spill is not None or self.held_count > SPILL_PAIRS:
            if self.spill is None:  # once spilling, every chunk goes to disk at once
                self.spill = _Spill(self.spill_dir)
            while self.held:
                self.spill.write(self.held.pop(0))
            self.held_count = 0

    def discard(self) -> None:
        """Drop the pairs of a build that failed, its spilled ones included."""
        self.held = []
        if self.spill is not None:
            self.spill.folder.release()

    def postings(self, max_postings: int) -> HashedPostings:
        """The sorted arrays: built in memory, or bucket by bucket from disk."""
        held = Pairs.joined(self.held)
        self.held = []
        if self.spill is None:
            hashes, counts, flat = _grouped(held, max_postings)
            offsets = np.zeros(len(counts) + 1, dtype=np.int64)
            np.cumsum(counts, out=offsets[1:])
            return HashedPostings(hashes, offsets, flat)
        self.spill.write(held)
        del held
        return self.spill.merged(max_postings)


def _grouped(pairs: Pairs, max_postings: int) -> tuple[Hashes, npt.NDArray[np.int64], Posting]:
    """Pairs sorted by key hash (stable: each key's positions stay in entry order), a
    pair given twice filed once, common non-word keys dropped: the kept keys' hashes,
    their posting counts and their postings end to end."""
    if len(pairs.hashes) == 0:  # a list without entries
        return np.empty(0, np.uint64), np.empty(0, np.int64), np.empty(0, np.int32)
    pairs = pairs.taken(np.argsort(pairs.hashes, kind="stable"))
    hashes, positions = pairs.hashes, pairs.positions
    again = (hashes[1:] == hashes[:-1]) & (positions[1:] == positions[:-1])
    if again.any():
        pairs = pairs.taken(np.flatnonzero(np.concatenate(([True], ~again))))
        hashes, positions = pairs.hashes, pairs.positions
    # Each key's run in the sorted hashes (np.unique would sort them all over again).
    starts = np.concatenate(([0], np.flatnonzero(np.diff(hashes)) + 1)).astype(np.int64)
    counts = np.diff(np.append(starts, len(hashes)))
    words = np.maximum.reduceat(pairs.words, starts)
    keep = words | (counts <= max_postings)
    return hashes[starts[keep]], counts[keep], positions[np.repeat(keep, counts)]


class _Spill:
    """Pairs spread over bucket files by their hash's top bits, in a build folder of its
    own (removed when the postings built from it are no longer used): each bucket holds
    every pair of its keys, so buckets sorted one at a time, in order, give the whole
    sorted arrays. A bucket is one file of `SPILLED` records, opened only to append a
    chunk's pairs and closed again: a build holds no bucket file open between chunks
    (three files a bucket, held open for the whole build, made 768 of them)."""

    def __init__(self, spill_dir: Path | None) -> None:
        self.folder = BuildFolder(spill_dir, SPILL_PREFIX)

    def _path(self, bucket: int) -> Path:
        return self.folder.path / f"bucket-{bucket:03d}"

    def write(self, pairs: Pairs) -> None:
        """Append the pairs to their buckets (each bucket keeps them in entry order)."""
        bucket = (pairs.hashes >> np.uint64(56)).astype(np.uint8)
        order = np.argsort(bucket, kind="stable")
        bounds: list[int] = np.concatenate(
            ([0], np.cumsum(np.bincount(bucket, minlength=BUCKETS)))
        ).tolist()
        del bucket
        records = np.empty(len(order), SPILLED)
        records["hash"] = pairs.hashes[order]
        records["position"] = pairs.positions[order]
        records["word"] = pairs.words[order]
        del order
        for number in range(BUCKETS):
            if bounds[number] < bounds[number + 1]:
                with self._path(number).open("ab") as stream:
                    records[bounds[number] : bounds[number + 1]].tofile(stream)

    def _read(self, bucket: int) -> Pairs:
        """A bucket's pairs, its file removed."""
        path = self._path(bucket)
        if not path.exists():  # no key hashed into it
            return Pairs.joined([])
        records = np.fromfile(path, SPILLED)
        path.unlink()
        return Pairs(*(np.ascontiguousarray(records[name]) for name in SPILLED.names or ()))

    def merged(self, max_postings: int) -> HashedPostings:
        """Sort each bucket and append its postings to the arrays' files. The folder goes
        when the postings do (the caller removes it if this fails)."""
        folder = self.folder.path
        with _NpyAppender(folder / "hashes.npy", np.uint64) as hashes, \
             _NpyAppender(folder / "offsets.npy", np.int64) as offsets, \
             _NpyAppender(folder / "postings.npy", np.int32) as flat:  # fmt: skip
            offsets.append(np.zeros(1, np.int64))
            filed = 0
            sample: list[Hashes] = []
            for number in range(BUCKETS):
                keys, counts, positions = _grouped(self._read(number), max_postings)
                sample.append(keys[(-hashes.count) % SAMPLE_EVERY :: SAMPLE_EVERY])
                hashes.append(keys)
                offsets.append(filed + np.cumsum(counts))
                flat.append(positions)
                filed += len(positions)
        hashes_file, offsets_file, flat_file = (
            np.load(folder / name, mmap_mode="r") for name in POSTING_FILES
        )
        np.save(folder / SAMPLE_FILE, np.concatenate(sample))
        postings = HashedPostings(
            hashes_file, offsets_file, flat_file, folder, np.load(folder / SAMPLE_FILE)
        )
        weakref.finalize(postings, self.folder.release)
        return postings


class _NpyAppender:
    """A one-dimensional .npy file written in pieces, its header filled in at the end."""

    def __init__(self, path: Path, dtype: type[np.generic]) -> None:
        self.dtype = np.dtype(dtype)
        self.count = 0
        self.stream: IO[bytes] = path.open("wb")
        self.stream.write(bytes(NPY_HEADER))

    def __enter__(self) -> _NpyAppender:
        return self

    def append(self, values: npt.NDArray[Any]) -> None:
        np.ascontiguousarray(values, dtype=self.dtype).tofile(self.stream)
        self.count += len(values)

    def __exit__(self, *_: object) -> None:
        described = {"descr": self.dtype.str, "fortran_order": False, "shape": (self.count,)}
        text = repr(described).ljust(NPY_HEADER - 11) + "\n"
        self.stream.seek(0)
        self.stream.write(b"\x93NUMPY\x01\x00" + (NPY_HEADER - 10).to_bytes(2, "little"))
        self.stream.write(text.encode("latin1"))
        self.stream.close()


def save(directory: Path, entries: Sequence[ListEntry], postings: HashedPostings) -> None:
    """Write the index's arrays to `directory`, which must not exist yet.

    Written in a build folder beside it (`SAVE_PREFIX`) and renamed into place, so a reader
    sees either no index or a whole one; two processes building the same index at once
    both succeed. The build folder is removed whether the save succeeds or fails.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    folder = BuildFolder(directory.parent, SAVE_PREFIX)
    try:
        work = folder.path / "index"
        work.mkdir()
        _write_postings(work, postings)
        _write_entries(work, entries)
        (work / FORMAT_FILE).write_text(json.dumps({"format": FORMAT, "entries": len(entries)}))
        os.replace(work, directory)  # one rename: atomic on a POSIX file system
    except OSError:
        if not directory.is_dir():
            raise
        # another process won the race with the same index
    finally:
        folder.release()


def _write_postings(work: Path, postings: HashedPostings) -> None:
    """The three arrays and the hashes' sample: linked from the folder a large build
    wrote them to (copied when it is on another file system), else written from memory."""
    if postings.files is not None:
        for name in (*POSTING_FILES, SAMPLE_FILE):
            try:
                os.link(postings.files / name, work / name)
            except OSError:
                shutil.copyfile(postings.files / name, work / name)
        return
    np.save(work / "hashes.npy", postings.hashes)
    np.save(work / "offsets.npy", postings.offsets)
    np.save(work / "postings.npy", postings.flat)
    if postings.sample is not None:
        np.save(work / SAMPLE_FILE, postings.sample)


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
        sample = directory / SAMPLE_FILE
        super().__init__(
            np.load(directory / "hashes.npy", mmap_mode="r"),
            np.load(directory / "offsets.npy", mmap_mode="r"),
            np.load(directory / "postings.npy", mmap_mode="r"),
            sample=np.load(sample) if sample.exists() else None,
        )
        # Plain array views of the same mapped pages: numpy's memmap class indexes in Python
        # (a quarter of a single-name screening went to its __getitem__).
        self.hashes, self.offsets, self.flat = (
            np.asarray(self.hashes), np.asarray(self.offsets), np.asarray(self.flat)
        )  # fmt: skip


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
