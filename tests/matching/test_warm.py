"""The warm screening index: saved once per edition, reopened in milliseconds, same answers."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ctip.matching import frozen, warm
from ctip.matching.index import CandidateIndex, screen
from ctip.matching.screening import screen_names
from ctip.matching.types import ListEntry, MatchQuery

LISTED = [
    ListEntry(
        "uflpa",
        "1",
        "E1",
        "Company",
        "Xinjiang Huafu Textile Co., Ltd.",
        ("新疆华孚纺织有限公司",),
        countries=("cn",),
        extra={"entity_id": "uflpa-e1"},
    ),
    ListEntry("uflpa", "1", "E2", "Company", "Hoshine Silicon Industry Co., Ltd."),
    ListEntry("uflpa", "1", "E3", "Person", "Ivan Petrov", ("Иван Петров",), birth_dates=("1970",)),
    *[
        ListEntry("uflpa", "1", f"F{n}", "Company", f"Filler{n:03d} Textile Co., Ltd.")
        for n in range(300)
    ],
]
QUERIES = [
    MatchQuery("q1", "Xinjiang Huafu Textile Company Limited"),
    MatchQuery("q2", "新疆华孚纺织有限公司"),
    MatchQuery("q3", "PETROV, Ivan", "Person"),
    MatchQuery("q4", "Filler017 Textiles"),
    MatchQuery("q5", "Nobody Listed Here"),
]


@pytest.fixture(autouse=True)
def cold() -> Iterator[None]:
    warm.mark_cold()
    yield
    warm.mark_cold()


def _answers(index: CandidateIndex) -> list[tuple[str, str, float, bool]]:
    results = screen(QUERIES, index, report_floor=0.3)
    return [(r.query_id, r.entry.entry_id, round(r.score, 6), r.is_match) for r in results]


def test_a_saved_index_reopens_with_the_same_answers_and_entries(tmp_path: Path) -> None:
    built = CandidateIndex(LISTED)
    built.save(tmp_path / "idx")
    opened = CandidateIndex.open(tmp_path / "idx")
    assert _answers(opened) == _answers(built)
    assert _answers(built)[0][:2] == ("q1", "E1")
    assert list(opened.entries) == LISTED
    assert opened.entries[0].extra == {"entity_id": "uflpa-e1"}
    assert opened.entries[-1] == LISTED[-1]
    assert opened.word_weight("huafu") == pytest.approx(built.word_weight("huafu"))


def test_opening_is_fast_and_never_reads_every_entry(tmp_path: Path) -> None:
    CandidateIndex(LISTED).save(tmp_path / "idx")
    started = time.perf_counter()
    opened = CandidateIndex.open(tmp_path / "idx")
    assert time.perf_counter() - started < 0.5
    entries = opened.entries
    assert isinstance(entries, frozen.FrozenEntries)
    list(screen(QUERIES[:1], opened))
    assert len(entries._decoded) < len(LISTED) // 10


def test_a_half_written_index_is_not_opened(tmp_path: Path) -> None:
    CandidateIndex(LISTED).save(tmp_path / "idx")
    (tmp_path / "idx" / frozen.FORMAT_FILE).unlink()
    assert not frozen.is_saved(tmp_path / "idx")
    assert not frozen.is_saved(tmp_path / "missing")


def test_an_opened_index_cannot_be_saved_again(tmp_path: Path) -> None:
    CandidateIndex(LISTED).save(tmp_path / "idx")
    with pytest.raises(ValueError, match="saved already"):
        CandidateIndex.open(tmp_path / "idx").save(tmp_path / "other")


def test_index_for_builds_once_then_opens_from_disk_in_a_new_process(tmp_path: Path) -> None:
    calls: list[int] = []

    def entries() -> list[ListEntry]:
        calls.append(1)
        return LISTED

    first = warm.index_for("k1", tmp_path, entries)
    assert warm.index_for("k1", tmp_path, entries) is first
    warm.mark_cold()  # as a new process would start
    reopened = warm.index_for("k1", tmp_path, entries)
    assert calls == [1]
    assert reopened is not first and _answers(reopened) == _answers(first)


def test_concurrent_first_uses_build_one_index(tmp_path: Path) -> None:
    calls: list[int] = []

    def entries() -> list[ListEntry]:
        calls.append(1)
        time.sleep(0.05)
        return LISTED

    found: list[CandidateIndex] = []
    threads = [
        threading.Thread(target=lambda: found.append(warm.index_for("k2", tmp_path, entries)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1] and len({id(index) for index in found}) == 1


def test_without_a_directory_the_index_stays_in_memory(tmp_path: Path) -> None:
    index = warm.index_for("k3", None, lambda: LISTED)
    assert isinstance(index.entries, list) and not any(tmp_path.iterdir())


def test_screen_names_uses_the_index_entries_carry() -> None:
    index = CandidateIndex(LISTED)
    carried = warm.IndexedEntries(index)
    assert warm.index_of(carried) is index and len(carried) == len(LISTED)
    assert carried[1] == LISTED[1] and list(carried)[:2] == LISTED[:2]
    hits = screen_names(QUERIES, carried)
    assert [h.query_id for h in hits if h.is_match][:1] == ["q1"]
    assert [(h.query_id, h.score) for h in hits] == [
        (h.query_id, h.score) for h in screen_names(QUERIES, LISTED)
    ]


def test_index_dir_is_beside_a_sqlite_store_else_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(warm.INDEX_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = tmp_path / "ctip.sqlite3"
    assert warm.index_dir(f"sqlite:///{store}") == tmp_path / "ctip.sqlite3.indexes"
    postgres = warm.index_dir("postgresql+psycopg://ctip:***@db/ctip")
    assert postgres.parent == tmp_path / "cache" / "ctip" / "indexes"
    monkeypatch.setenv(warm.INDEX_DIR_ENV, str(tmp_path / "set"))
    assert warm.index_dir(f"sqlite:///{store}") == tmp_path / "set"


def test_edition_key_changes_with_the_edition_and_its_content() -> None:
    key = warm.edition_key("uflpa", "2024-01", 3, "abc")
    assert key == warm.edition_key("uflpa", "2024-01", 3, "abc")
    assert key != warm.edition_key("uflpa", "2024-01", 3, "abd")
    assert key != warm.edition_key("uflpa", "2024-02", 4, "abc")


def test_warming_reports_its_state_and_runs_preloads() -> None:
    opened: list[str] = []
    assert warm.warmth() is warm.Warmth.COLD and not warm.is_warm()
    warm.add_preload(_record_preload(opened))
    thread = warm.start_warming(lambda: _NoSession())
    thread.join(timeout=120)
    assert warm.warmth() is warm.Warmth.WARM and warm.is_warm()
    assert opened == ["preloaded"]


class _NoSession:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def _record_preload(opened: list[str]) -> warm.Preload:
    def preload(sessions: warm.SessionFactory) -> None:
        with sessions():
            opened.append("preloaded")
        warm._preloads.remove(preload)

    return preload


def test_opening_a_saved_index_removes_a_dead_builds_spilled_pairs(tmp_path: Path) -> None:
    warm.index_for("k1", tmp_path, lambda: LISTED)
    left = tmp_path / warm.BUILDING / f"{frozen.SPILL_PREFIX}killed"
    left.mkdir(parents=True)
    (left / "bucket-000").write_bytes(b"pairs")
    stamp = time.time() - frozen.UNMARKED_GRACE - 60  # untouched since the build died
    os.utime(left / "bucket-000", (stamp, stamp))
    os.utime(left, (stamp, stamp))
    warm.mark_cold()  # as a new process would start
    warm.index_for("k1", tmp_path, lambda: LISTED)
    assert not left.exists()
