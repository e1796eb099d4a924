"""The saved index's arrays: the build that spills to disk files the same postings as the
one that sorts in memory, and both file exactly what the keys of the entries say."""

from __future__ import annotations

import csv
import gc
from pathlib import Path

import numpy as np
import pytest

from benchmarks.screening import write_large_list
from ctip.matching import frozen, index
from ctip.matching.index import CandidateIndex, blocking_keys
from ctip.matching.types import ListEntry, MatchQuery

MAX_POSTINGS = 30  # low, so that some common keys are dropped on a list of 1,500


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> list[ListEntry]:
    """1,500 generated entries: Chinese companies with Han aliases, companies, persons."""
    path = tmp_path_factory.mktemp("list") / "list.csv"
    write_large_list(path, 1_500, seed=11)
    with path.open(encoding="utf-8") as stream:
        return [
            ListEntry("t", "1", row["id"], row["schema"], row["name"],
                      tuple(a for a in row["aliases"].split(";") if a))
            for row in csv.DictReader(stream)
        ]  # fmt: skip


def reference(entries: list[ListEntry]) -> dict[str, list[int]]:
    """Key -> positions, from the key strings with Python sets and dictionaries."""
    filed: dict[str, list[int]] = {}
    for position, entry in enumerate(entries):
        keys = frozenset().union(*(blocking_keys(name) for name in entry.all_names))
        for key in keys:
            filed.setdefault(key, []).append(position)
    return filed


def keys_of(entries: list[ListEntry]) -> list[list[str]]:
    """Each entry's keys with repeats (a name and its alias share words)."""
    return [[k for name in e.all_names for k in sorted(blocking_keys(name))] for e in entries]


@pytest.fixture
def spilling(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small chunks and spill threshold: a list of 1,500 goes through the bucket files."""
    monkeypatch.setattr(frozen, "HASH_CHUNK", 7_000)
    monkeypatch.setattr(frozen, "SPILL_PAIRS", 10_000)


def assert_files_reference(postings: frozen.HashedPostings, filed: dict[str, list[int]]) -> None:
    kept = 0
    for key, positions in filed.items():
        found = postings.get(key)
        if key.startswith("w:") or len(positions) <= MAX_POSTINGS:
            assert found is not None and found.tolist() == positions, key
            kept += 1
        else:
            assert found is None, key
    assert len(postings) == kept
    assert postings.get("w:nosuchwordanywhere") is None


@pytest.mark.parametrize(
    "keys",
    [
        ["", "w:", "w:abcdef", "w:abcdefg", "w:abcdefgh", "d:" + "x" * 40, "w:xin", "p:KSNJ"],
        ["w:新疆", "p:ПТРФ", "w:a", *(f"a:{'é' * n}{n}" for n in range(20))],
        ["line\nbreak", "w:x", ""],
        [f"d:{'ab' * n}" for n in range(30)],
        [""],
        [],
    ],
)
def test_key_hash_and_hash_keys_agree_on_every_length_and_script(keys: list[str]) -> None:
    hashed, words = frozen._hashed(keys)
    assert hashed.tolist() == [frozen.key_hash(k) for k in keys]
    assert len(set(hashed.tolist())) == len(keys)
    assert words.tolist() == [k.startswith("w:") for k in keys]


def test_the_builds_keys_of_a_word_are_the_keys_screening_reads() -> None:
    for word in ("xin", "xinjiang", "huafu", "a", "ab", "abcde", "12345", "ltd", "petrov"):
        assert index._word_key_names(word) == tuple(key for key, _ in index.word_keys(word))


def test_in_memory_build_files_exactly_the_reference(entries: list[ListEntry]) -> None:
    postings = frozen.build_postings(keys_of(entries), MAX_POSTINGS)
    assert postings.files is None
    assert_files_reference(postings, reference(entries))


@pytest.mark.usefixtures("spilling")
def test_spilled_build_files_exactly_the_reference(entries: list[ListEntry]) -> None:
    postings = frozen.build_postings(keys_of(entries), MAX_POSTINGS)
    assert postings.files is not None
    assert_files_reference(postings, reference(entries))


def test_spilled_and_in_memory_arrays_are_identical(
    entries: list[ListEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    in_memory = frozen.build_postings(keys_of(entries), MAX_POSTINGS)
    monkeypatch.setattr(frozen, "HASH_CHUNK", 5_000)
    monkeypatch.setattr(frozen, "SPILL_PAIRS", 1)
    spilled = frozen.build_postings(keys_of(entries), MAX_POSTINGS)
    assert spilled.files is not None
    for mine, theirs in ((in_memory.hashes, spilled.hashes), (in_memory.offsets, spilled.offsets),
                         (in_memory.flat, spilled.flat)):  # fmt: skip
        assert mine.dtype == theirs.dtype
        assert np.array_equal(mine, theirs)


@pytest.mark.usefixtures("spilling")
def test_spilled_index_screens_saves_and_reopens_like_an_in_memory_one(
    entries: list[ListEntry], tmp_path: Path
) -> None:
    spilled = CandidateIndex(entries, warm_names=False, spill_dir=tmp_path / "spill")
    folder = spilled._postings.files  # type: ignore[attr-defined]
    assert folder is not None and folder.is_dir() and folder.parent == tmp_path / "spill"
    assert not list(folder.glob("bucket-*"))  # the spilled pairs are gone once merged
    spilled.save(tmp_path / "one")
    spilled.save(tmp_path / "two")  # saving again still finds the built arrays
    reopened = CandidateIndex.open(tmp_path / "two")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frozen, "SPILL_PAIRS", 10**9)
        in_memory = CandidateIndex(entries, warm_names=False)
    for entry in entries[::50]:
        for name in entry.all_names:
            query = MatchQuery("q", name)
            expected = [(s, e.entry_id) for s, e in in_memory.ranked(query)]
            assert [(s, e.entry_id) for s, e in spilled.ranked(query)] == expected
            assert [(s, e.entry_id) for s, e in reopened.ranked(query)] == expected
    del spilled
    gc.collect()
    assert not folder.exists()  # the build's folder goes with the index built from it
    assert frozen.is_saved(tmp_path / "one")
    assert (tmp_path / "one" / "postings.npy").stat().st_nlink == 2  # linked, not copied


def test_an_empty_list_builds_and_saves(tmp_path: Path) -> None:
    postings = frozen.build_postings([], MAX_POSTINGS)
    assert len(postings) == 0 and postings.offsets.tolist() == [0]
    frozen.save(tmp_path / "empty", [], postings)
    entries, saved = frozen.open_arrays(tmp_path / "empty")
    assert len(entries) == 0 and saved.get("w:any") is None


def test_arrays_written_in_pieces_are_ordinary_npy_files(tmp_path: Path) -> None:
    with frozen._NpyAppender(tmp_path / "a.npy", np.int64) as appender:
        appender.append(np.arange(3))
        appender.append(np.arange(10**5))
    loaded = np.load(tmp_path / "a.npy", mmap_mode="r")
    assert loaded.dtype == np.int64 and loaded.shape == (10**5 + 3,)
    assert loaded[:5].tolist() == [0, 1, 2, 0, 1] and int(loaded[-1]) == 10**5 - 1


@pytest.mark.parametrize("spill", [False, True])
def test_saved_postings_are_found_through_the_hash_sample_and_without_it(
    entries: list[ListEntry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spill: bool
) -> None:
    if spill:
        monkeypatch.setattr(frozen, "SPILL_PAIRS", 1)
    monkeypatch.setattr(frozen, "SAMPLE_EVERY", 64)  # many blocks on a small list
    built = frozen.build_postings(keys_of(entries), MAX_POSTINGS)
    assert (built.files is not None) == spill
    frozen.save(tmp_path / "index", entries, built)
    _, saved = frozen.open_arrays(tmp_path / "index")
    assert saved.sample is not None
    assert saved.sample.tolist() == np.asarray(saved.hashes[::64]).tolist()
    filed = reference(entries)
    assert_files_reference(saved, filed)
    assert saved.get("w:") is None and saved.get("w:zzzzzzzz") is None
    (tmp_path / "index" / frozen.SAMPLE_FILE).unlink()  # saved before samples were kept
    _, unsampled = frozen.open_arrays(tmp_path / "index")
    assert unsampled.sample is None
    assert_files_reference(unsampled, filed)
